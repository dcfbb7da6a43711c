namespace Portal.Cli;

/// <summary>Where a command writes and what time it is; tests pass their own writers and a fake clock.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TimeProvider Time);
