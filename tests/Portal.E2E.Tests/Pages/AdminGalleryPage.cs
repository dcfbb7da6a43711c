using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/admin/gallery: templates and hardware profiles (sizes) the plans offer.</summary>
public sealed class AdminGalleryPage(IPage page) : PortalShell(page)
{
    public ILocator Message => Page.Locator("#gallery-message");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/admin/gallery");
        await Assertions.Expect(Heading).ToHaveTextAsync("Gallery");
        await ExpectInteractiveAsync();
    }

    public ILocator Row(string name) => Page.Locator("tr", new() { Has = Page.Locator("td", new() { HasText = name }) });

    /// <summary>Every action button of a row lies inside its cell's content box, not cut off behind an ellipsis.</summary>
    public async Task ExpectActionsFitAsync(string name)
    {
        var buttons = Row(name).Locator("fluent-button");
        await Assertions.Expect(buttons.First).ToBeVisibleAsync();
        foreach (var button in await buttons.AllAsync())
        {
            var overflow = await button.EvaluateAsync<double>(
                """
                b => {
                    const cell = b.closest('td');
                    const contentRight = cell.getBoundingClientRect().right - parseFloat(getComputedStyle(cell).paddingRight);
                    return b.getBoundingClientRect().right - contentRight;
                }
                """);
            Assert.True(overflow <= 1, $"'{(await button.TextContentAsync())?.Trim()}' in the row of '{name}' is cut off by {overflow:0}px.");
        }
    }

    public async Task AddHardwareProfileAsync(string name, int vcpus, int memoryGiB, int diskGiB)
    {
        await Page.Locator("#profile-name input").FillAsync(name);
        await Page.Locator("#profile-vcpus input").FillAsync(vcpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator("#profile-memory input").FillAsync(memoryGiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator("#profile-disk input").FillAsync(diskGiB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator("#create-profile").ClickAsync();
        await Assertions.Expect(Message).ToContainTextAsync($"Hardware profile '{name}' was added.");
        await Assertions.Expect(Row(name)).ToBeVisibleAsync();
    }

    public async Task AddTemplateAsync(string name, string osVersion, string diskFileName)
    {
        await Page.Locator("#template-name input").FillAsync(name);
        await Page.Locator("#template-os-version input").FillAsync(osVersion);
        await Page.Locator("#template-disk input").FillAsync(diskFileName);
        await Page.Locator("#create-template").ClickAsync();
        await Assertions.Expect(Message).ToContainTextAsync($"Template '{name}' was added");
        await Assertions.Expect(Row(name)).ToBeVisibleAsync();
    }
}
