using Microsoft.Extensions.Options;

namespace Portal.HostGuardian.Options;

/// <summary>Checks what data annotations cannot: the master key and admin key rules depend on the environment.</summary>
internal sealed class HgsOptionsValidator(IHostEnvironment environment) : IValidateOptions<HgsOptions>
{
    public ValidateOptionsResult Validate(string? name, HgsOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            if (Keys.MasterKey.TryDecode(options.MasterKey) is null)
            {
                failures.Add("Hgs:MasterKey must be the base64 encoding of exactly 32 random bytes (an AES-256 key).");
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.MasterKeyFile))
        {
            if (!File.Exists(options.MasterKeyFile))
            {
                failures.Add($"Hgs:MasterKeyFile '{options.MasterKeyFile}' does not exist.");
            }
        }
        else if (!environment.IsDevelopment())
        {
            failures.Add(
                "HGS refuses to start without a master key outside Development: set Hgs:MasterKey (base64 of 32 random bytes) " +
                "or Hgs:MasterKeyFile. It seals the fabric guardian's private keys at rest; keep it apart from HGS's database.");
        }

        if (string.IsNullOrWhiteSpace(options.AdminApiKey))
        {
            if (!environment.IsDevelopment())
            {
                failures.Add(
                    "HGS refuses to start without an admin API key outside Development: set Hgs:AdminApiKey (at least 16 random " +
                    "characters, e.g. openssl rand -base64 32). Hosts, baselines and policies are registered through the admin API.");
            }
        }
        else if (options.AdminApiKey.Length < 16)
        {
            failures.Add("Hgs:AdminApiKey must be at least 16 characters.");
        }

        foreach (var file in options.EndorsementKeyCertificates.TrustedCertificates)
        {
            if (!File.Exists(file))
            {
                failures.Add($"Hgs:EndorsementKeyCertificates:TrustedCertificates names '{file}', which does not exist.");
            }
        }

        if (options.EndorsementKeyCertificates.Required && options.EndorsementKeyCertificates.TrustedCertificates.Count == 0)
        {
            failures.Add("Hgs:EndorsementKeyCertificates:Required needs at least one CA in Hgs:EndorsementKeyCertificates:TrustedCertificates.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
