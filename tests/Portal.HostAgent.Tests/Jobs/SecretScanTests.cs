using System.Text;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>The scan the secrecy tests rely on must find a secret in each form it claims to look for.</summary>
public sealed class SecretScanTests : IDisposable
{
    private const string Secret = "Marker-Pw-scan-self-test";
    private readonly string _folder = Directory.CreateTempSubdirectory("secret-scan-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("plain")]
    [InlineData("utf16")]
    [InlineData("hex")]
    [InlineData("base64-0")]
    [InlineData("base64-1")]
    [InlineData("base64-2")]
    public void Find_SecretHiddenInAFile_IsFound(string form)
    {
        var bytes = Encoding.UTF8.GetBytes(Secret);
        var content = form switch
        {
            "plain" => bytes,
            "utf16" => Encoding.Unicode.GetBytes($"xx{Secret}yy"),
            "hex" => Encoding.ASCII.GetBytes("00" + Convert.ToHexStringLower(bytes)),
            _ => Encoding.ASCII.GetBytes(Convert.ToBase64String([.. new byte[form[^1] - '0'], .. bytes, 7, 7])),
        };
        Directory.CreateDirectory(Path.Combine(_folder, "deep"));
        File.WriteAllBytes(Path.Combine(_folder, "deep", "file.bin"), [1, 2, .. content, 3]);

        Assert.NotEmpty(SecretScan.Find(_folder, Secret));
    }
}
