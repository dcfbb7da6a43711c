using Portal.Core.Shielding.Catalogs;

namespace Portal.Cli.Commands;

/// <summary><c>vsc sign</c> and <c>vsc show</c>.</summary>
internal static class VscCommands
{
    public static readonly CommandSpec Sign = new(
        "vsc sign",
        "Sign a template disk: write a volume signature catalog (name, version, size, SHA-384) signed by a guardian.",
        "tenantportal vsc sign --disk DISK --name NAME --version 1.0.0.0 --signer GUARDIAN_FILE [--passphrase-file FILE] --out CATALOG.vsc [--force]",
        ["disk", "name", "version", "signer", "passphrase-file", "out"], [], ["force"], [], RunSign);

    public static readonly CommandSpec Show = new(
        "vsc show",
        "Show a catalog after checking its signature; with --disk, also check the disk against it.",
        "tenantportal vsc show CATALOG.vsc [--disk DISK]",
        ["disk"], [], [], ["CATALOG.vsc"], RunShow);

    private static int RunSign(ParsedArguments args, CliContext context)
    {
        var diskPath = args.Required("disk");
        var name = args.Required("name");
        var version = CatalogVersion.TryParse(args.Required("version"))
            ?? throw CliException.Usage("--version must look like 1.0.0.0.");
        var output = args.Required("out");
        if (name.Length > VolumeSignatureCatalog.NameMaxLength || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name))
        {
            throw CliException.Usage($"--name must be 1 to {VolumeSignatureCatalog.NameMaxLength} printable characters.");
        }

        using var signer = CliFiles.LoadGuardian(args.Required("signer"), args.Optional("passphrase-file"));
        VolumeSignatureCatalog catalog;
        try
        {
            using var disk = new FileStream(diskPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            catalog = VolumeSignatureCatalog.SignAsync(disk, name, version, Path.GetFileName(diskPath), signer, context.Time).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.FileError, $"cannot read disk '{diskPath}': {e.Message}");
        }

        CliFiles.Write(output, catalog.ToArray(), args.Has("force"));
        context.Out.WriteLine($"Catalog written to {output}.");
        Print(context.Out, catalog);
        return ExitCodes.Success;
    }

    private static int RunShow(ParsedArguments args, CliContext context)
    {
        var catalog = CliFiles.LoadCatalog(args.Positionals[0]);
        Print(context.Out, catalog);
        context.Out.WriteLine("Signature:       valid");
        if (args.Optional("disk") is not { } diskPath)
        {
            return ExitCodes.Success;
        }

        DiskVerificationResult result;
        try
        {
            using var disk = new FileStream(diskPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            result = catalog.VerifyDiskAsync(disk).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.FileError, $"cannot read disk '{diskPath}': {e.Message}");
        }

        if (!result.IsValid)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{diskPath}: {result.Message}");
        }

        context.Out.WriteLine($"Disk:            {diskPath} matches");
        return ExitCodes.Success;
    }

    private static void Print(TextWriter output, VolumeSignatureCatalog catalog)
    {
        output.WriteLine($"Name:            {catalog.Name}");
        output.WriteLine($"Version:         {catalog.Version}");
        output.WriteLine($"Disk file:       {catalog.DiskFileName}");
        output.WriteLine($"Disk size:       {catalog.DiskSize} bytes");
        output.WriteLine($"Disk {VolumeSignatureCatalog.HashAlgorithm}:    {catalog.DiskHashHex}");
        output.WriteLine($"Signed at:       {catalog.SignedAt:yyyy-MM-dd HH:mm:ss}Z");
        output.WriteLine($"Signer:          {catalog.SignerName}");
        output.WriteLine($"Signer key:      {catalog.SignerThumbprint}");
    }
}
