using System.Text;
using Portal.Core.Shielding.Guardians;

namespace Portal.Cli.Commands;

/// <summary><c>guardian new</c> and <c>guardian export</c>.</summary>
internal static class GuardianCommands
{
    public static readonly CommandSpec New = new(
        "guardian new",
        "Create a guardian (ECDSA P-384 signing key + RSA-3072 encryption key) and save its private keys.",
        "tenantportal guardian new --name NAME --out GUARDIAN_FILE [--passphrase-file FILE] [--force]",
        ["name", "out", "passphrase-file"], [], ["force"], [], RunNew);

    public static readonly CommandSpec Export = new(
        "guardian export",
        "Write a guardian's public metadata (JSON, self-signed) for shielding data files and HGS.",
        "tenantportal guardian export --guardian GUARDIAN_FILE [--passphrase-file FILE] --out METADATA.json [--force]",
        ["guardian", "passphrase-file", "out"], [], ["force"], [], RunExport);

    private static int RunNew(ParsedArguments args, CliContext context)
    {
        var name = args.Required("name");
        var output = args.Required("out");
        var passphrase = args.Optional("passphrase-file") is { } file ? CliFiles.ReadSecretLine(file, "passphrase file") : null;
        if (name.Length > GuardianPublicKeys.NameMaxLength || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name))
        {
            throw CliException.Usage($"--name must be 1 to {GuardianPublicKeys.NameMaxLength} printable characters.");
        }

        using var guardian = Guardian.Create(name);
        CliFiles.Write(output, Encoding.UTF8.GetBytes(GuardianKeyFile.Write(guardian, passphrase)), args.Has("force"), isPrivate: true);
        context.Out.WriteLine($"Guardian \"{guardian.Name}\" saved to {output}{(passphrase is null ? " (not encrypted: keep it safe)" : " (encrypted)")}.");
        Print(context.Out, guardian.PublicKeys, "");
        return ExitCodes.Success;
    }

    private static int RunExport(ParsedArguments args, CliContext context)
    {
        using var guardian = CliFiles.LoadGuardian(args.Required("guardian"), args.Optional("passphrase-file"));
        var output = args.Required("out");
        CliFiles.Write(output, GuardianMetadata.WriteUtf8(guardian), args.Has("force"));
        context.Out.WriteLine($"Public metadata of guardian \"{guardian.Name}\" written to {output}.");
        Print(context.Out, guardian.PublicKeys, "");
        return ExitCodes.Success;
    }

    public static void Print(TextWriter output, GuardianPublicKeys keys, string indent)
    {
        output.WriteLine($"{indent}Signing key thumbprint:    {keys.SigningThumbprint}");
        output.WriteLine($"{indent}Encryption key thumbprint: {keys.EncryptionThumbprint}");
    }
}
