using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>The agent's TPM (<c>HostAgent:Tpm</c>); checked at start-up by <see cref="TpmOptionsValidation"/>.</summary>
public sealed class TpmOptions
{
    public const string SectionName = "HostAgent:Tpm";

    public TpmKind Kind { get; set; } = TpmKind.Software;

    /// <summary>The TPM character device, used when <see cref="Kind"/> is Device (the in-kernel resource manager).</summary>
    public string DevicePath { get; set; } = "/dev/tpmrm0";

    /// <summary>
    /// "host:port" of a running swtpm's server socket (its control socket is port + 1, as the swtpm TCTI expects). Empty
    /// with Kind Swtpm: the agent runs its own swtpm, state in <c>{DataFolder}/tpm/swtpm</c>, manufactured on first start.
    /// </summary>
    public string? SwtpmAddress { get; set; }

    /// <summary>
    /// The local CA that signs a managed swtpm's EK and platform certificates when it is manufactured; empty:
    /// <c>{DataFolder}/tpm/swtpm-ca</c>. Several hosts pointed at one folder share one CA.
    /// </summary>
    public string? SwtpmCertificateAuthorityFolder { get; set; }

    /// <summary>Longest a single tpm2-tools command (or swtpm start-up) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>True when the agent runs the swtpm itself.</summary>
    public bool ManagesSwtpm => Kind == TpmKind.Swtpm && string.IsNullOrWhiteSpace(SwtpmAddress);

    /// <summary>The swtpm state folder of a managed swtpm.</summary>
    public static string SwtpmStateFolder(string dataFolder) => Path.Combine(Path.GetFullPath(dataFolder), "tpm", "swtpm");

    /// <summary>The local CA folder a managed swtpm uses.</summary>
    public string CertificateAuthorityFolder(string dataFolder) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(SwtpmCertificateAuthorityFolder)
            ? Path.Combine(dataFolder, "tpm", "swtpm-ca")
            : SwtpmCertificateAuthorityFolder);

    /// <summary>Parses <see cref="SwtpmAddress"/>; null when it is not "host:port" with a port that leaves room for the control port.</summary>
    public static (string Host, int Port)? ParseSwtpmAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 1 or > 65534)
        {
            return null;
        }

        var host = address[..colon].Trim('[', ']');
        return host.Length == 0 || host.Contains(',') ? null : (host, port);
    }
}
