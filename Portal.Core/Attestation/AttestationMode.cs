using System.Text.Json.Serialization;

namespace Portal.Core.Attestation;

/// <summary>How HGS decides a host is trustworthy; a host is registered in exactly one mode.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttestationMode>))]
public enum AttestationMode
{
    /// <summary>Registered TPM endorsement key; a quote over the measured boot and code-integrity policy checked against baselines.</summary>
    TpmTrusted,

    /// <summary>A registered host key pair signs the nonce and the host's reported configuration.</summary>
    HostKey,

    /// <summary>Legacy: the host belongs to an allowed host group; nothing about its boot is measured.</summary>
    AdminTrusted,
}
