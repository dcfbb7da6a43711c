using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Tpm;

namespace Portal.Testing;

/// <summary>The HGS admin's part for a simulated host: registering its software TPM's endorsement key.</summary>
public static class HgsRegistration
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Registers the endorsement key of the software TPM in <paramref name="folder"/> (made there when new).</summary>
    public static async Task RegisterSoftwareTpmAsync(string name, string folder, Uri hgsUrl, string adminKey)
    {
        var attestation = new HostAttestationOptions { DataFolder = folder, HostName = name };
        using var tpm = new SoftwareTpm(Options.Create(attestation), TimeProvider.System);
        await tpm.InitializeAsync(CancellationToken.None);
        using var hgs = new HttpClient { BaseAddress = hgsUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, HgsRoutes.Admin + "/hosts")
        {
            Content = JsonContent.Create(new RegisterHostRequest(name, AttestationMode.TpmTrusted, tpm.EndorsementKey.ToArray()), options: Json),
        };
        request.Headers.Add(HgsRoutes.AdminKeyHeader, adminKey);
        using var registered = await hgs.SendAsync(request);
        if (!registered.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"HGS refused to register {name} ({(int)registered.StatusCode}): {await registered.Content.ReadAsStringAsync()}");
        }
    }
}
