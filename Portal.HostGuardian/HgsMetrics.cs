using System.Diagnostics.Metrics;
using Portal.Core.Attestation;

namespace Portal.HostGuardian;

/// <summary>HGS's own metrics (meter <see cref="MeterName"/>): attestation results by status, key releases granted or refused.</summary>
public sealed class HgsMetrics
{
    public const string MeterName = "TenantPortal.Hgs";

    private readonly Counter<long> _attestations;
    private readonly Counter<long> _keyReleases;

    public HgsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _attestations = meter.CreateCounter<long>("tenantportal.hgs.attestations", "{attestation}", "Attestations HGS judged, by status.");
        _keyReleases = meter.CreateCounter<long>("tenantportal.hgs.key_releases", "{release}", "Key releases HGS granted or refused.");
    }

    public void Attested(AttestationMode mode, AttestationStatus status, AttestationSubStatus subStatus) =>
        _attestations.Add(1,
            new KeyValuePair<string, object?>("attestation.mode", mode.ToString()),
            new KeyValuePair<string, object?>("attestation.status", status.ToString()),
            new KeyValuePair<string, object?>("attestation.sub_status", subStatus.ToString()));

    public void KeyRelease(KeyReleaseRefusal? refusal) =>
        _keyReleases.Add(1,
            new KeyValuePair<string, object?>("key_release.outcome", refusal is null ? "granted" : "refused"),
            new KeyValuePair<string, object?>("key_release.refusal", refusal?.ToString() ?? "none"));
}
