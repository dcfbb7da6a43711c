using System.Security.Cryptography.X509Certificates;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account;

public static class KeyRingProtection
{
    /// <summary>
    /// The certificate that encrypts every new Data Protection key before it reaches the database (null when it is
    /// missing where it is required: then start-up stops with a message naming the setting, before any key is made).
    /// Call before <c>AddDataProtection</c>, so old plaintext keys are gone before the key ring loads.
    /// </summary>
    internal static X509Certificate2? AddKeyRingProtection(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configured = builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new();
        var database = DatabaseOptions.From(builder.Configuration);
        var location = KeyRingCertificate.Location.Resolve(
            configured, builder.GetDataFolder(), builder.Environment.ContentRootPath,
            embeddedOrDevelopment: database.Provider == DatabaseProvider.Sqlite || builder.Environment.IsDevelopment());

        services.AddOptions<KeyRingOptions>()
            .BindConfiguration(KeyRingOptions.SectionName)
            .Validate(_ => location.IsUsable,
                $"DataProtection:CertificateFile must name a .pfx certificate with an RSA private key, and '{location.Path}' "
                + "does not exist. The keys behind sign-in cookies are stored in the database encrypted with it, so it lives "
                + "outside the database and is the same file for every portal on that database. With PostgreSQL outside "
                + "Development it is required (or set DataProtection:GenerateCertificate=true to create one at that path).")
            .ValidateOnStart();
        services.AddHostedService<PlaintextKeyRemoval>();
        return location.IsUsable
            ? KeyRingCertificate.LoadOrCreate(configured, location, DateTimeOffset.UtcNow)
            : null;
    }
}
