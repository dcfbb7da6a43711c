namespace Portal.Core.Shielding.Catalogs;

/// <summary>Why a disk does not match its catalog.</summary>
public enum DiskVerificationFailure
{
    /// <summary>The catalog itself is malformed or its signature does not verify.</summary>
    CatalogInvalid,

    /// <summary>The disk has a different number of bytes than the catalog states.</summary>
    SizeMismatch,

    /// <summary>Same size, different content: at least one byte changed.</summary>
    HashMismatch,
}

/// <summary>Outcome of checking a template disk against a volume signature catalog.</summary>
public sealed record DiskVerificationResult(DiskVerificationFailure? Failure, string Message)
{
    public bool IsValid => Failure is null;

    internal static DiskVerificationResult Valid(VolumeSignatureCatalog catalog) =>
        new(null, $"The disk matches catalog \"{catalog.Name}\" {catalog.Version} signed by {catalog.SignerThumbprint}.");
}
