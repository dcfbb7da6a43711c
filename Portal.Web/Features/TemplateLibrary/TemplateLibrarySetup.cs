using Portal.Web.Infrastructure;

namespace Portal.Web.Features.TemplateLibrary;

/// <summary>The template disk library: options, the file store, the service, and the start-up import.</summary>
public static class TemplateLibrarySetup
{
    public static WebApplicationBuilder AddTemplateLibrary(this WebApplicationBuilder builder)
    {
        var dataFolder = builder.GetDataFolder();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<TemplateLibraryOptions>()
            .BindConfiguration(TemplateLibraryOptions.SectionName)
            .PostConfigure(o =>
            {
                o.Folder = string.IsNullOrWhiteSpace(o.Folder)
                    ? Path.Combine(dataFolder, "library")
                    : Path.GetFullPath(o.Folder, contentRoot);
                o.ImportFolder = string.IsNullOrWhiteSpace(o.ImportFolder) ? null : Path.GetFullPath(o.ImportFolder, contentRoot);
            })
            .ValidateDataAnnotations()
            .Validate(o => o.ImportFolder is null || Directory.Exists(o.ImportFolder),
                "Library:ImportFolder names a folder that does not exist.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TemplateDiskStore>();
        builder.Services.AddScoped<TemplateLibraryService>();
        builder.Services.AddHostedService<TemplateLibraryImport>();
        return builder;
    }
}
