namespace Portal.Cli;

/// <summary>
/// Options of one command, parsed against that command's spec: "--name value" or "--name=value", flags without a
/// value, repeatable options where the spec allows, and positional arguments. Anything else is a usage error.
/// </summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public static ParsedArguments Parse(IReadOnlyList<string> args, CommandSpec spec)
    {
        var parsed = new ParsedArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            if (spec.Flags.Contains(name))
            {
                if (equals >= 0)
                {
                    throw CliException.Usage($"--{name} takes no value.");
                }

                parsed._flags.Add(name);
                continue;
            }

            if (!spec.Options.Contains(name) && !spec.Repeatable.Contains(name))
            {
                throw CliException.Usage($"unknown option --{name} for '{spec.Path}'.");
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw CliException.Usage($"--{name} needs a value.");
            }

            if (value.Length == 0)
            {
                throw CliException.Usage($"--{name} needs a value.");
            }

            if (!parsed._values.TryGetValue(name, out var list))
            {
                parsed._values[name] = list = [];
            }
            else if (!spec.Repeatable.Contains(name))
            {
                throw CliException.Usage($"--{name} is given twice.");
            }

            list.Add(value);
        }

        if (parsed.Positionals.Count != spec.Positionals.Length && !parsed.Has("help"))
        {
            throw CliException.Usage(spec.Positionals.Length == 0
                ? $"unexpected argument '{parsed.Positionals[0]}'."
                : $"'{spec.Path}' needs {string.Join(" ", spec.Positionals)}.");
        }

        return parsed;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string Required(string option) =>
        Optional(option) ?? throw CliException.Usage($"missing --{option}.");

    public string? Optional(string option) => _values.TryGetValue(option, out var list) ? list[0] : null;

    public IReadOnlyList<string> All(string option) => _values.TryGetValue(option, out var list) ? list : [];
}
