namespace Portal.Web.Features.TemplateLibrary;

/// <summary>A disk in the library: its SHA-384 (upper-case hex), length, and whether this store call added the file.</summary>
public sealed record StoredDisk(string Sha384, long Bytes, bool IsNew);
