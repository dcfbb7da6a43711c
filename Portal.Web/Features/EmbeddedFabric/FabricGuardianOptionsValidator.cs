using Microsoft.Extensions.Options;
using Portal.Core.Shielding;
using Portal.Core.Shielding.Guardians;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>A configured guardian file that is missing or not valid guardian metadata stops start-up, saying which.</summary>
internal sealed class FabricGuardianOptionsValidator(IHostEnvironment environment) : IValidateOptions<FabricGuardianOptions>
{
    public ValidateOptionsResult Validate(string? name, FabricGuardianOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.GuardianMetadataFile))
        {
            return ValidateOptionsResult.Success;
        }

        var path = ResolvePath(environment, options.GuardianMetadataFile);
        if (!File.Exists(path))
        {
            return ValidateOptionsResult.Fail($"Fabric:GuardianMetadataFile: the file '{path}' does not exist.");
        }

        try
        {
            GuardianMetadata.Parse(File.ReadAllBytes(path));
            return ValidateOptionsResult.Success;
        }
        catch (ShieldingFormatException e)
        {
            return ValidateOptionsResult.Fail($"Fabric:GuardianMetadataFile: '{path}' is not valid: {e.Message}");
        }
    }

    public static string ResolvePath(IHostEnvironment environment, string path) =>
        Path.GetFullPath(path, environment.ContentRootPath);
}
