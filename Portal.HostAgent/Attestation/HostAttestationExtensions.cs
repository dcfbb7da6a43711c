using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Tpm;
using Portal.HostAgent.Tpm.Tpm2;

namespace Portal.HostAgent.Attestation;

/// <summary>Registers the agent's attestation side: the TPM, host key, transport key, HGS client, <see cref="IHostHealth"/>, <see cref="IKeyReleaseClient"/>, periodic attestation.</summary>
public static class HostAttestationExtensions
{
    /// <summary>
    /// Adds attestation with options from the <c>HostAgent</c> section (<c>HgsUrl</c>, <c>HgsTimeout</c>, <c>AttestationMode</c>,
    /// <c>HostName</c>, <c>DataFolder</c>, <c>AttestationInterval</c>, <c>Simulate:*</c>) and the TPM <c>HostAgent:Tpm:Kind</c>
    /// names: the software TPM (the default), or a real TPM 2.0 or swtpm through tpm2-tools. The agent attests at start
    /// and periodically; consumers take <see cref="IHostHealth"/> and <see cref="IKeyReleaseClient"/>.
    /// </summary>
    public static IHostApplicationBuilder AddHostAttestation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostAttestationOptions>()
            .BindConfiguration(HostAttestationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddTpmOptions();
        if (TpmKindOf(builder.Configuration) == TpmKind.Software)
        {
            services.AddSingleton<ITpm, SoftwareTpm>();
        }
        else
        {
            services.AddSingleton<ITpm, Tpm2ToolsTpm>();
        }

        services.AddSingleton<SoftwareHostKey>();
        services.AddSingleton<HostTransportKey>();
        services.AddHttpClient(HgsClient.HttpClientName, (provider, client) =>
        {
            var options = provider.GetRequiredService<IOptions<HostAttestationOptions>>().Value;
            // A trailing slash keeps an HGS base path (e.g. http://portal/hgs-root/) when routes are combined.
            client.BaseAddress = options.HgsUrl is { } url ? new Uri(url.ToString().TrimEnd('/') + "/") : null;
            client.Timeout = options.HgsTimeout;
        });
        services.AddSingleton<HostHealthService>();
        services.AddSingleton<IHostHealth>(provider => provider.GetRequiredService<HostHealthService>());
        services.AddSingleton<IKeyReleaseClient, KeyReleaseClient>();
        services.AddHostedService<AttestationWorker>();
        return builder;
    }

    private static TpmKind TpmKindOf(IConfiguration configuration)
    {
        var value = configuration[$"{TpmOptions.SectionName}:{nameof(TpmOptions.Kind)}"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return TpmKind.Software;
        }

        return Enum.TryParse<TpmKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new InvalidOperationException($"HostAgent:Tpm:Kind is '{value}'; use Software, Device or Swtpm.");
    }
}
