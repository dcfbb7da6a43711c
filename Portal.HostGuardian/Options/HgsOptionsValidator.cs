using Microsoft.Extensions.Options;

namespace Portal.HostGuardian.Options;

/// <summary>Checks what data annotations cannot: the master key rule depends on the environment.</summary>
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

        if (options.AdminApiKey is { Length: > 0 and < 16 })
        {
            failures.Add("Hgs:AdminApiKey must be at least 16 characters (or empty to disable the admin API).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
