using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/shielding-data: downloads for making a file, the upload form, and the list of uploaded files as cards.</summary>
public sealed class ShieldingDataPage(IPage page) : PortalShell(page)
{
    public ILocator Message => Page.Locator("#shielding-message");

    public ILocator FabricGuardian => Page.Locator("#fabric-guardian");

    public ILocator DownloadGuardianLink => Page.Locator("#download-guardian");

    public ILocator DownloadCatalogLink => Page.Locator("#download-catalog");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/shielding-data");
        await Assertions.Expect(Heading).ToHaveTextAsync("Shielding data");
        await ExpectInteractiveAsync();
    }

    /// <summary>Clicks a download link and saves what the browser received to <paramref name="path"/>.</summary>
    public async Task<string> DownloadAsync(ILocator link, string path)
    {
        var download = await Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        await download.SaveAsAsync(path);
        return download.SuggestedFilename;
    }

    public async Task ChooseCatalogTemplateAsync(string templateName)
    {
        await Page.Locator("#catalog-template").ClickAsync();
        await Page.Locator("fluent-option", new() { HasText = templateName }).ClickAsync();
    }

    public async Task UploadAsync(string filePath, string friendlyName, string description)
    {
        await Page.Locator("#pdk-file").SetInputFilesAsync(filePath);
        await Page.Locator("#friendly-name input").FillAsync(friendlyName);
        await Page.Locator("#description textarea").FillAsync(description);
        await Page.Locator("#upload").ClickAsync();
    }

    /// <summary>The card of one uploaded file, found by its friendly name.</summary>
    public ILocator Card(string friendlyName) =>
        Page.Locator("[data-shielding-data]", new() { Has = Page.Locator("h3", new() { HasText = friendlyName }) });
}
