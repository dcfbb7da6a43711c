using Portal.Core.Common;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Web.Features.Account;

/// <summary>Loads the key ring's certificate from its file, or generates it there (0600) where that is allowed.</summary>
internal static class KeyRingCertificate
{
    /// <summary>Where the certificate lives and whether the portal may make it, resolved once at start-up.</summary>
    internal sealed record Location(string Path, bool MayGenerate)
    {
        public static Location Resolve(KeyRingOptions options, string dataFolder, string contentRoot, bool embeddedOrDevelopment) => new(
            string.IsNullOrWhiteSpace(options.CertificateFile)
                ? System.IO.Path.Combine(dataFolder, KeyRingOptions.DefaultFileName)
                : System.IO.Path.GetFullPath(options.CertificateFile, contentRoot),
            options.GenerateCertificate ?? embeddedOrDevelopment);

        public bool IsUsable => MayGenerate || File.Exists(Path);
    }

    public static X509Certificate2 LoadOrCreate(KeyRingOptions options, Location location, DateTimeOffset now)
    {
        if (!File.Exists(location.Path))
        {
            if (!location.MayGenerate)
            {
                throw new InvalidOperationException($"The key ring certificate '{location.Path}' does not exist.");
            }

            // A second process that got there first wins; both then load the same file.
            PrivateFiles.TryWriteNew(location.Path, Generate(options.CertificatePassword, now));
        }

        var flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(location.Path, options.CertificatePassword, flags);
        return certificate.HasPrivateKey && certificate.GetRSAPrivateKey() is not null
            ? certificate
            : throw new InvalidOperationException($"The key ring certificate '{location.Path}' has no RSA private key.");
    }

    private static byte[] Generate(string? password, DateTimeOffset now)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest(
            "CN=TenantPortal key ring protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
        return certificate.Export(X509ContentType.Pkcs12, password);
    }
}
