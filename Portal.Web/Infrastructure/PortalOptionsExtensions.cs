using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Infrastructure;

public static class PortalOptionsExtensions
{
    public static WebApplicationBuilder AddPortalOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.SectionName)
            .Validate(o => new EmailAddressAttribute().IsValid(o.Bootstrap.AdminEmail),
                "Portal:Bootstrap:AdminEmail must be an email address.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    public static string GetDataFolder(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{PortalOptions.SectionName}:{nameof(PortalOptions.DataFolder)}"];
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.Environment.ContentRootPath, "App_Data")
            : Path.GetFullPath(configured, builder.Environment.ContentRootPath);
    }
}
