namespace Portal.Cli;

/// <summary>One command: its words, help text, accepted options, and what it runs.</summary>
internal sealed record CommandSpec(
    string Path,
    string Summary,
    string Usage,
    string[] Options,
    string[] Repeatable,
    string[] Flags,
    string[] Positionals,
    Func<ParsedArguments, CliContext, int> Run);
