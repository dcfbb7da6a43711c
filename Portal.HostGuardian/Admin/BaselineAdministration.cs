using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Common;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Admin;

/// <summary>
/// The HGS admin's TPM baselines: list, add by values, remove — and the workflow after a firmware update: capture a
/// host's latest proven measurements, review how they differ from the nearest allowed baseline (PCR by PCR, with the
/// log's events), accept them as a new baseline. Hosts pass again at their next attestation.
/// </summary>
public sealed class BaselineAdministration(HgsDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<TpmBaselineDto>> ListAsync(CancellationToken cancellationToken) =>
        (await db.TpmBaselines.AsNoTracking().OrderBy(b => b.Name).ToListAsync(cancellationToken)).Select(ToDto).ToList();

    public async Task<TpmBaselineDto> AddAsync(TpmBaselineRequest request, CancellationToken cancellationToken)
    {
        var name = Name(request.Name);
        var pcrs = request.Pcrs is { Count: 8 } ? FirmwarePcrs.Select(request.Pcrs) : null;
        AdminAudit.Require(pcrs is not null, "pcrs", "A baseline gives PCRs 0–7, each once, each a 32-byte SHA-256 value.");
        return await SaveAsync(name, pcrs!, capturedFrom: null, cancellationToken);
    }

    public async Task<bool> RemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        var baseline = await db.TpmBaselines.SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (baseline is null)
        {
            return false;
        }

        db.TpmBaselines.Remove(baseline);
        AdminAudit.Add(db, time, "baselines.remove", baseline.Name, baseline.PcrDigest);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The host's latest proven measurements beside the nearest allowed baseline; null when the host is unknown or never proved any.</summary>
    public async Task<BaselineCaptureDto?> CaptureAsync(Guid hostId, CancellationToken cancellationToken)
    {
        var host = await db.Hosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        var measurement = await db.Measurements.AsNoTracking().SingleOrDefaultAsync(m => m.HostId == hostId, cancellationToken);
        if (host is null || measurement is null)
        {
            return null;
        }

        var baselines = await db.TpmBaselines.AsNoTracking().ToListAsync(cancellationToken);
        var nearest = baselines
            .Select(b => (Baseline: b, Differences: FirmwarePcrs.Differences(b.Pcrs, measurement.Pcrs)))
            .OrderBy(c => c.Differences.Count)
            .FirstOrDefault();
        var differing = nearest.Baseline is null ? PolicyPcrs.Firmware : nearest.Differences;
        var events = EventsByPcr(measurement.EventLog);
        var differences = differing
            .Select(i => new PcrDifference(
                i,
                nearest.Baseline?.Pcrs.First(p => p.Index == i).Digest,
                measurement.Pcrs.First(p => p.Index == i).Digest,
                events.TryGetValue(i, out var lines) ? lines : []))
            .ToList();
        return new BaselineCaptureDto(host.Id, host.Name, measurement.MeasuredAt, measurement.Pcrs, measurement.PcrDigest,
            AlreadyAllowed: nearest.Baseline is not null && nearest.Differences.Count == 0, nearest.Baseline?.Name, differences);
    }

    /// <summary>Accepts what the admin reviewed; 409 when the host's measurements changed since, or are already allowed.</summary>
    public async Task<TpmBaselineDto> AcceptAsync(AcceptBaselineRequest request, CancellationToken cancellationToken)
    {
        var name = Name(request.Name);
        var host = await db.Hosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == request.HostId, cancellationToken)
            ?? throw new NotFoundException("Host", request.HostId);
        var measurement = await db.Measurements.AsNoTracking().SingleOrDefaultAsync(m => m.HostId == host.Id, cancellationToken)
            ?? throw new StateConflictException($"The host '{host.Name}' has not proved any measurements yet; it must attest first.");
        if (!string.Equals(measurement.PcrDigest, request.PcrDigest, StringComparison.OrdinalIgnoreCase))
        {
            throw new StateConflictException(
                $"The host '{host.Name}' measured a different boot since you reviewed it; review its measurements again before accepting them.");
        }

        return await SaveAsync(name, measurement.Pcrs, host.Name, cancellationToken);
    }

    private async Task<TpmBaselineDto> SaveAsync(string name, IReadOnlyList<PcrValue> pcrs, string? capturedFrom, CancellationToken cancellationToken)
    {
        var digest = FirmwarePcrs.Digest(pcrs);
        if (await db.TpmBaselines.AnyAsync(b => b.PcrDigest == digest, cancellationToken))
        {
            throw new StateConflictException("These PCR values are already an allowed baseline.");
        }

        var baseline = new TpmBaseline { Id = Guid.NewGuid(), Name = name, Pcrs = pcrs, PcrDigest = digest, CapturedFrom = capturedFrom, CreatedAt = time.GetUtcNow() };
        db.TpmBaselines.Add(baseline);
        AdminAudit.Add(db, time, capturedFrom is null ? "baselines.add" : "baselines.accept-captured", name,
            capturedFrom is null ? digest : $"{digest} from {capturedFrom}");
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(baseline);
    }

    private static string Name(string? name)
    {
        AdminAudit.Require(!string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 128, "name", "A baseline name is 1–128 characters.");
        return name!.Trim();
    }

    private static Dictionary<int, IReadOnlyList<string>> EventsByPcr(byte[] eventLog)
    {
        var log = TcgEventLog.Parse(eventLog);
        var lines = BootMeasurements.Describe(log);
        return log.Events.Select((e, i) => (e.Pcr, Line: lines[i]))
            .GroupBy(e => e.Pcr)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.Line).ToList());
    }

    private static TpmBaselineDto ToDto(TpmBaseline b) => new(b.Id, b.Name, b.Pcrs, b.PcrDigest, b.CapturedFrom, b.CreatedAt);
}
