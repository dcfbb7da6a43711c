using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The key ring certificate every PostgreSQL test portal is configured with (<c>DataProtection:CertificateFile</c>),
/// as production brings its own: made once per run, shared by every portal instance of the run.
/// </summary>
public static class TestKeyRing
{
    private static readonly Lazy<string> Lazy = new(() =>
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"tenantportal-test-keyring-{Environment.ProcessId}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    });

    public static string CertificateFile => Lazy.Value;
}
