using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.Store;

/// <summary>PCR values stored as one JSON text column: <c>[{"index":0,"digest":"base64"}, …]</c>.</summary>
internal static class PcrValuesColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ValueConverter<IReadOnlyList<PcrValue>, string> Converter { get; } = new(
        pcrs => JsonSerializer.Serialize(pcrs, Json),
        text => JsonSerializer.Deserialize<List<PcrValue>>(text, Json) ?? new List<PcrValue>());

    public static ValueComparer<IReadOnlyList<PcrValue>> Comparer { get; } = new(
        (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
        pcrs => JsonSerializer.Serialize(pcrs, Json).GetHashCode(StringComparison.Ordinal),
        pcrs => pcrs.Select(p => new PcrValue(p.Index, p.Digest.ToArray())).ToList());
}
