namespace Portal.Core.Attestation.Protocol;

/// <summary>Routes of the Host Guardian Service, relative to its base address.</summary>
public static class HgsRoutes
{
    public const string Prefix = "/hgs/v1";
    public const string Challenge = Prefix + "/attest/challenge";
    public const string Attest = Prefix + "/attest";
    public const string Activation = Prefix + "/attest/activation";
    public const string KeyRelease = Prefix + "/keys/release";
    public const string Guardian = Prefix + "/guardian";
    public const string AttestationSigner = Prefix + "/attestation-signer";
    public const string Admin = Prefix + "/admin";

    /// <summary>Header carrying the HGS admin API key.</summary>
    public const string AdminKeyHeader = "X-Hgs-Admin-Key";
}
