using Portal.Cli.Commands;

namespace Portal.Cli;

/// <summary>
/// The <c>tenantportal</c> tool: works offline on the tenant's (or provider's) own machine; only <c>audit verify</c> talks
/// to a portal. Every failure is one line on stderr and a non-zero exit code (see <see cref="ExitCodes"/>); no secret is
/// ever printed unless asked for.
/// </summary>
public static class CliApp
{
    private const string Name = "tenantportal";

    private static readonly CommandSpec[] Commands =
    [
        GuardianCommands.New, GuardianCommands.Export,
        VscCommands.Sign, VscCommands.Show,
        PdkCommands.New, PdkCommands.Show, PdkCommands.Open,
        AuditCommands.Verify,
    ];

    /// <summary>Runs one command line; returns the exit code. Tests call this in-process.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error, time);
        try
        {
            return Dispatch(args, context);
        }
        catch (CliException e)
        {
            var hint = e.ExitCode == ExitCodes.Usage ? $" Run '{Name} {e.Command ?? ""}{(e.Command is null ? "" : " ")}--help' for usage." : "";
            error.WriteLine($"{Name}: error: {e.Message}{hint}");
            return e.ExitCode;
        }
    }

    private static int Dispatch(string[] args, CliContext context)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintOverview(context.Out);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
        }

        if (args[0] == "--version")
        {
            context.Out.WriteLine($"{Name} {typeof(CliApp).Assembly.GetName().Version}");
            return ExitCodes.Success;
        }

        var group = Commands.Where(c => c.Path.StartsWith(args[0] + " ", StringComparison.Ordinal)).ToList();
        if (group.Count == 0)
        {
            throw CliException.Usage($"unknown command '{args[0]}'.");
        }

        if (args.Length == 1 || args[1] is "--help" or "-h")
        {
            PrintGroup(context.Out, args[0], group);
            return args.Length == 1 ? ExitCodes.Usage : ExitCodes.Success;
        }

        var spec = group.FirstOrDefault(c => c.Path == $"{args[0]} {args[1]}")
            ?? throw CliException.Usage($"unknown command '{args[0]} {args[1]}'.");
        try
        {
            var parsed = ParsedArguments.Parse(args[2..], spec with { Flags = [.. spec.Flags, "help"] });
            if (parsed.Has("help"))
            {
                context.Out.WriteLine(spec.Summary);
                context.Out.WriteLine();
                context.Out.WriteLine("Usage: " + spec.Usage);
                return ExitCodes.Success;
            }

            return spec.Run(parsed, context);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.Usage && e.Command is null)
        {
            throw new CliException(e.ExitCode, e.Message, spec.Path);
        }
    }

    private static void PrintOverview(TextWriter output)
    {
        output.WriteLine($"{Name} — shielding data files, guardians and signed template disks, offline; a portal's audit chain, checked here.");
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (var command in Commands)
        {
            output.WriteLine($"  {command.Path,-17} {command.Summary}");
        }

        output.WriteLine();
        output.WriteLine($"Run '{Name} <command> --help' for a command's options.");
        output.WriteLine($"Exit codes: {ExitCodes.Success} ok, {ExitCodes.InvalidInput} invalid or unverifiable input, {ExitCodes.Usage} usage error, "
            + $"{ExitCodes.FileError} file error, {ExitCodes.AccessDenied} key refused (passphrase, unlisted guardian, portal token), "
            + $"{ExitCodes.PortalError} portal unreachable or in error.");
    }

    private static void PrintGroup(TextWriter output, string group, IEnumerable<CommandSpec> commands)
    {
        output.WriteLine($"{Name} {group} commands:");
        foreach (var command in commands)
        {
            output.WriteLine($"  {command.Usage}");
            output.WriteLine($"      {command.Summary}");
        }
    }
}
