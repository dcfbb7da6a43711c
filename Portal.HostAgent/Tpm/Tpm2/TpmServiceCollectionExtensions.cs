using Microsoft.Extensions.Options;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>Registers <c>HostAgent:Tpm</c>, checked when the agent starts.</summary>
public static class TpmServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="TpmOptions"/> (<c>Kind</c>, <c>DevicePath</c>, <c>SwtpmAddress</c>,
    /// <c>SwtpmCertificateAuthorityFolder</c>, <c>CommandTimeout</c>) and validates them on start.
    /// </summary>
    public static IServiceCollection AddTpmOptions(this IServiceCollection services)
    {
        services.AddOptions<TpmOptions>()
            .BindConfiguration(TpmOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TpmOptions>, TpmOptionsValidation>();
        return services;
    }
}
