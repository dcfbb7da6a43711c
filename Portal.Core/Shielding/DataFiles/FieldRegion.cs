namespace Portal.Core.Shielding.DataFiles;

/// <summary>Where a named field lies in a file (for tamper tests and diagnostics).</summary>
internal sealed record FieldRegion(string Name, int Offset, int Length);
