using Portal.Core.Shielding;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Cli.Commands;

/// <summary><c>pdk new</c>, <c>pdk show</c> and <c>pdk open</c>.</summary>
internal static class PdkCommands
{
    public static readonly CommandSpec New = new(
        "pdk new",
        "Create a shielding data file: secrets sealed for the owner and the listed guardians, signed by the owner.",
        "tenantportal pdk new --owner GUARDIAN_FILE [--passphrase-file FILE] --guardian METADATA.json [--guardian ...]\n"
        + "                     --qualifier CATALOG.vsc:Equals|GreaterThanOrEquals [--qualifier ...] --policy Shielded|EncryptionSupported\n"
        + "                     --admin-password-file FILE [--answer-file FILE] [--rdp-cert FILE.pfx] [--ssh-key FILE ...]\n"
        + "                     [--file FILE ...] --out DATA.pdk [--force]",
        ["owner", "passphrase-file", "policy", "admin-password-file", "answer-file", "rdp-cert", "out"],
        ["guardian", "qualifier", "ssh-key", "file"], ["force"], [], RunNew);

    public static readonly CommandSpec Show = new(
        "pdk show",
        "Check a shielding data file and show its public metadata (never its secrets).",
        "tenantportal pdk show DATA.pdk",
        [], [], [], ["DATA.pdk"], RunShow);

    public static readonly CommandSpec Open = new(
        "pdk open",
        "Open a shielding data file with the owner's or a listed guardian's keys and list the sealed secrets (values only with --reveal).",
        "tenantportal pdk open DATA.pdk --guardian GUARDIAN_FILE [--passphrase-file FILE] [--reveal]",
        ["guardian", "passphrase-file"], [], ["reveal"], ["DATA.pdk"], RunOpen);

    private static int RunNew(ParsedArguments args, CliContext context)
    {
        var policy = ParsePolicy(args.Required("policy"));
        var output = args.Required("out");
        var guardianFiles = args.All("guardian");
        var qualifierArgs = args.All("qualifier");
        if (guardianFiles.Count == 0)
        {
            throw CliException.Usage("give at least one --guardian (the metadata of a fabric allowed to run the VM).");
        }

        if (qualifierArgs.Count == 0)
        {
            throw CliException.Usage("give at least one --qualifier CATALOG.vsc:Equals|GreaterThanOrEquals.");
        }

        var password = CliFiles.ReadSecretLine(args.Required("admin-password-file"), "administrator password file");
        var answerFile = args.Optional("answer-file") is { } answerPath
            ? CliFiles.ReadText(answerPath, "answer file", ShieldingPayload.AnswerFileMaxBytes)
            : null;
        var rdp = args.Optional("rdp-cert") is { } rdpPath
            ? CliFiles.ReadBytes(rdpPath, "RDP certificate", ShieldingPayload.RdpCertificateMaxBytes)
            : [];
        var sshKeys = args.All("ssh-key")
            .SelectMany(path => CliFiles.ReadText(path, "SSH public key file", ShieldingPayload.SshPublicKeyMaxLength * 4).Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var fileContents = args.All("file").Select(path => (Name: Path.GetFileName(path), Content: CliFiles.ReadBytes(path, "file", SecretFile.MaxBytes))).ToList();
        var guardians = guardianFiles.Select(CliFiles.LoadMetadata).ToList();
        var qualifiers = qualifierArgs.Select(ParseQualifier).ToList();
        using var owner = CliFiles.LoadGuardian(args.Required("owner"), args.Optional("passphrase-file"));

        ShieldingDataFile file;
        try
        {
            var files = fileContents.Select(f => new SecretFile(f.Name, f.Content));
            var payload = ShieldingPayload.Create(password, answerFile, rdp, sshKeys, files);
            file = ShieldingDataFile.Create(owner, guardians, qualifiers, policy, payload, context.Time);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }

        CliFiles.Write(output, file.ToArray(), args.Has("force"));
        context.Out.WriteLine($"Shielding data file written to {output}.");
        Print(context.Out, file.Metadata);
        return ExitCodes.Success;
    }

    private static int RunShow(ParsedArguments args, CliContext context)
    {
        var file = CliFiles.LoadShieldingData(args.Positionals[0]);
        Print(context.Out, file.Metadata);
        context.Out.WriteLine("Owner signature: valid");
        return ExitCodes.Success;
    }

    private static int RunOpen(ParsedArguments args, CliContext context)
    {
        var file = CliFiles.LoadShieldingData(args.Positionals[0]);
        using var guardian = CliFiles.LoadGuardian(args.Required("guardian"), args.Optional("passphrase-file"));
        ShieldingPayload payload;
        try
        {
            payload = file.Open(guardian);
        }
        catch (GuardianNotListedException e)
        {
            throw new CliException(ExitCodes.AccessDenied, $"{args.Positionals[0]}: {e.Message}");
        }
        catch (ShieldingFormatException e)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{args.Positionals[0]}: {e.Message}");
        }

        context.Out.WriteLine($"Opened with guardian \"{guardian.Name}\". Sealed secrets:");
        foreach (var line in payload.Describe())
        {
            context.Out.WriteLine($"  - {line}");
        }

        if (args.Has("reveal"))
        {
            // Only on explicit request, on the tenant's own machine; the tool never prints a secret otherwise.
            context.Out.WriteLine($"Administrator password: {payload.AdministratorPassword ?? "(none)"}");
            if (payload.AnswerFile is not null)
            {
                context.Out.WriteLine("Answer file:");
                context.Out.WriteLine(payload.AnswerFile);
            }

            foreach (var key in payload.SshPublicKeys)
            {
                context.Out.WriteLine($"SSH public key: {key}");
            }
        }

        return ExitCodes.Success;
    }

    private static ShieldingPolicy ParsePolicy(string text) =>
        Enum.TryParse<ShieldingPolicy>(text, ignoreCase: true, out var policy) && Enum.IsDefined(policy) && !int.TryParse(text, out _)
            ? policy
            : throw CliException.Usage($"--policy must be Shielded or EncryptionSupported, not '{text}'.");

    private static VolumeIdQualifier ParseQualifier(string text)
    {
        // The rule follows the last colon, so Windows paths (C:\...) still work.
        var colon = text.LastIndexOf(':');
        var rule = colon < 0 ? null : VolumeIdQualifier.ParseRule(text[(colon + 1)..]);
        if (rule is null)
        {
            throw CliException.Usage($"--qualifier '{text}' must be CATALOG.vsc:Equals or CATALOG.vsc:GreaterThanOrEquals.");
        }

        return VolumeIdQualifier.For(CliFiles.LoadCatalog(text[..colon]), rule.Value);
    }

    private static void Print(TextWriter output, ShieldingDataMetadata metadata)
    {
        output.WriteLine($"File id:         {metadata.FileId}");
        output.WriteLine($"Created:         {metadata.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
        output.WriteLine($"Policy:          {metadata.Policy}");
        output.WriteLine($"Owner:           {metadata.Owner.Name}");
        GuardianCommands.Print(output, metadata.Owner, "  ");
        output.WriteLine($"Guardians:       {metadata.Guardians.Count}");
        foreach (var guardian in metadata.Guardians)
        {
            output.WriteLine($"  - {guardian.Name}");
            GuardianCommands.Print(output, guardian, "    ");
        }

        output.WriteLine($"Qualifiers:      {metadata.Qualifiers.Count}");
        foreach (var qualifier in metadata.Qualifiers)
        {
            output.WriteLine($"  - {qualifier}");
        }

        output.WriteLine($"Size:            {metadata.FileLength} bytes");
        output.WriteLine($"SHA-256:         {metadata.FileSha256}");
    }
}
