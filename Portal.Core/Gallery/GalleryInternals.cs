using System.Runtime.CompilerServices;

// The data tests seed templates with stored catalog facts (VmTemplate.AttachCatalog(VolumeSignatureCatalogInfo)), which
// the portal itself may not do: it attaches only catalogs whose signature it verified.
[assembly: InternalsVisibleTo("Portal.Data.Tests")]
