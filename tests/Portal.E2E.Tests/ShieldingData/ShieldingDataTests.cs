using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;

namespace Portal.E2E.Tests.ShieldingData;

public sealed class ShieldingDataTests(ShieldingPortalFixture portal, ITestOutputHelper output) : IClassFixture<ShieldingPortalFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    static ShieldingDataTests()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Tenant_DownloadsGuardianAndCatalog_MakesAFileWithTheTool_UploadsIt_AndSeesItsMetadata()
    {
        // The provider signs a template disk with the tool and uploads its catalog on the gallery's catalog page.
        var templateName = $"Windows Server 2025 {Guid.NewGuid():N}"[..30];
        var templateId = await CreateUnsignedTemplateAsync(templateName);
        var disk = portal.Provider.Write("ws2025.vhdx", [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251))]);
        await UploadDiskAsync(templateId, disk);
        portal.Provider.Run("guardian", "new", "--name", "Contoso template signing", "--out", portal.Provider.PathOf("signer.json"));
        portal.Provider.Run("vsc", "sign", "--disk", disk, "--name", "WS2025-DC", "--version", "10.0.26100.1",
            "--signer", portal.Provider.PathOf("signer.json"), "--out", portal.Provider.PathOf("ws2025.vsc"));

        var admin = await NewPageAsync();
        await SignInAsync(admin, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        await admin.GotoAsync($"/admin/gallery/{templateId}/catalog");
        await Assertions.Expect(admin.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await admin.Locator("#vsc-file").SetInputFilesAsync(portal.Provider.PathOf("ws2025.vsc"));
        await admin.Locator("#upload-catalog").ClickAsync();
        await Assertions.Expect(admin.Locator("#catalog-message")).ToContainTextAsync("is now shielding-capable");
        await Assertions.Expect(admin.Locator($"[data-shield='{templateId}']")).ToHaveCountAsync(1);

        // The tenant downloads the fabric's guardian and the template's catalog...
        var page = await NewPageAsync();
        await new SignUpPage(page).SignUpAsync(TestTenant.New());
        var shielding = new ShieldingDataPage(page);
        await shielding.OpenAsync();
        await Assertions.Expect(shielding.FabricGuardian).ToContainTextAsync("Contoso fabric");
        using var machine = new Tool("tenant");
        var guardianName = await shielding.DownloadAsync(shielding.DownloadGuardianLink, machine.PathOf("fabric-guardian.json"));
        await shielding.ChooseCatalogTemplateAsync(templateName);
        var catalogName = await shielding.DownloadAsync(shielding.DownloadCatalogLink, machine.PathOf("template.vsc"));
        Assert.Equal("fabric-guardian.json", guardianName);
        Assert.EndsWith(".vsc", catalogName);
        Assert.Equal(await File.ReadAllBytesAsync(portal.Provider.PathOf("ws2025.vsc")), await File.ReadAllBytesAsync(machine.PathOf("template.vsc")));

        // ...makes the shielding data file on their own machine with the tool...
        machine.Run("guardian", "new", "--name", "Dana's owner key", "--out", machine.PathOf("owner.guardian.json"));
        machine.Write("password.txt", "Tenant-Only-Secret-1!\n");
        machine.Run("pdk", "new", "--owner", machine.PathOf("owner.guardian.json"), "--guardian", machine.PathOf("fabric-guardian.json"),
            "--qualifier", machine.PathOf("template.vsc") + ":GreaterThanOrEquals", "--policy", "Shielded",
            "--admin-password-file", machine.PathOf("password.txt"), "--out", machine.PathOf("web.pdk"));

        // ...uploads it, and sees its public metadata with this fabric marked.
        await shielding.UploadAsync(machine.PathOf("web.pdk"), "Web servers", "Administrator password for the web tier");

        await Assertions.Expect(shielding.Message).ToContainTextAsync("'Web servers' was uploaded.");
        await Assertions.Expect(page.Locator("#friendly-name input")).ToHaveValueAsync("");
        var card = shielding.Card("Web servers");
        await Assertions.Expect(card.Locator("[data-policy]")).ToHaveTextAsync("Shielded");
        await Assertions.Expect(card).ToContainTextAsync("Dana's owner key");
        await Assertions.Expect(card.Locator("[data-this-fabric=true]")).ToContainTextAsync("This fabric");
        await Assertions.Expect(card).ToContainTextAsync("Contoso fabric");
        await Assertions.Expect(card).ToContainTextAsync("\"WS2025-DC\" >= 10.0.26100.1");
        await Assertions.Expect(card.Locator("[data-templates]")).ToContainTextAsync(templateName);
        await Assertions.Expect(card).Not.ToContainTextAsync("Tenant-Only-Secret-1!");
        await shielding.ExpectNoCircuitErrorAsync();
        await SaveScreenshotAsync(page, "shielding-data.png");
        Axe.AssertNone(await Axe.RunAsync(page, "shielding-data", output.WriteLine), "shielding-data", "critical");
    }

    [Fact]
    public async Task Tenant_UploadsATamperedFile_SeesTheReason_AndCanDeleteAfterConfirming()
    {
        var page = await NewPageAsync();
        await new SignUpPage(page).SignUpAsync(TestTenant.New());
        var shielding = new ShieldingDataPage(page);
        await shielding.OpenAsync();
        using var machine = new Tool("tenant");
        await shielding.DownloadAsync(shielding.DownloadGuardianLink, machine.PathOf("fabric-guardian.json"));
        var disk = machine.Write("disk.vhdx", new byte[1000]);
        machine.Run("guardian", "new", "--name", "Someone's signer", "--out", machine.PathOf("signer.json"));
        machine.Run("vsc", "sign", "--disk", disk, "--name", "Any", "--version", "1.0", "--signer", machine.PathOf("signer.json"),
            "--out", machine.PathOf("any.vsc"));
        machine.Run("guardian", "new", "--name", "Owner", "--out", machine.PathOf("owner.json"));
        machine.Write("password.txt", "Pw-1\n");
        machine.Run("pdk", "new", "--owner", machine.PathOf("owner.json"), "--guardian", machine.PathOf("fabric-guardian.json"),
            "--qualifier", machine.PathOf("any.vsc") + ":Equals", "--policy", "EncryptionSupported",
            "--admin-password-file", machine.PathOf("password.txt"), "--out", machine.PathOf("good.pdk"));
        var tampered = await File.ReadAllBytesAsync(machine.PathOf("good.pdk"));
        tampered[^1] ^= 0x01;
        machine.Write("tampered.pdk", tampered);

        await shielding.UploadAsync(machine.PathOf("tampered.pdk"), "Tampered", "");
        await Assertions.Expect(shielding.Message).ToContainTextAsync("owner signature does not verify");
        await Assertions.Expect(page.Locator("#no-shielding-data")).ToBeVisibleAsync();

        await shielding.UploadAsync(machine.PathOf("good.pdk"), "Keep briefly", "");
        var card = shielding.Card("Keep briefly");
        await Assertions.Expect(card.Locator("[data-policy]")).ToHaveTextAsync("Encryption supported");

        await card.Locator("fluent-button", new() { HasText = "Delete" }).ClickAsync();
        var dialog = page.Locator("fluent-dialog");
        await Assertions.Expect(dialog.Locator("dialog")).ToBeVisibleAsync();
        await dialog.Locator("fluent-button", new() { HasText = "Delete" }).ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Assertions.Expect(shielding.Message).ToContainTextAsync("was deleted");
    }

    [Fact]
    public async Task Provider_RemovesATemplatesCatalogAfterConfirming_AndTheShieldIsGone()
    {
        var templateName = $"Signed then removed {Guid.NewGuid():N}"[..30];
        var templateId = await CreateUnsignedTemplateAsync(templateName);
        var disk = portal.Provider.Write("ws2025.vhdx", [.. Enumerable.Range(0, 50_000).Select(i => (byte)(i % 241))]);
        await UploadDiskAsync(templateId, disk);
        portal.Provider.Run("guardian", "new", "--name", "Contoso template signing", "--out", portal.Provider.PathOf("remove-signer.json"));
        portal.Provider.Run("vsc", "sign", "--disk", disk, "--name", "WS2025-R", "--version", "1.0",
            "--signer", portal.Provider.PathOf("remove-signer.json"), "--out", portal.Provider.PathOf("remove.vsc"));
        var admin = await NewPageAsync();
        await SignInAsync(admin, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        await admin.GotoAsync($"/admin/gallery/{templateId}/catalog");
        await Assertions.Expect(admin.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.Locator("#remove-catalog")).ToHaveCountAsync(0);
        await admin.Locator("#vsc-file").SetInputFilesAsync(portal.Provider.PathOf("remove.vsc"));
        await admin.Locator("#upload-catalog").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-shield='{templateId}']")).ToHaveCountAsync(1);

        await admin.Locator("#remove-catalog").ClickAsync();
        var dialog = admin.Locator("fluent-dialog");
        await Assertions.Expect(dialog.Locator("dialog")).ToBeVisibleAsync();
        await dialog.Locator("fluent-button", new() { HasText = "Remove" }).ClickAsync();

        await Assertions.Expect(admin.Locator("#catalog-message")).ToContainTextAsync("is no longer shielding-capable");
        await Assertions.Expect(admin.Locator($"[data-shield='{templateId}']")).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Locator("#current-catalog")).ToContainTextAsync("none");
        await Assertions.Expect(admin.Locator("#remove-catalog")).ToHaveCountAsync(0);
    }

    private async Task<Guid> CreateUnsignedTemplateAsync(string name)
    {
        using var api = await portal.AdminApiAsync();
        var response = await api.PostAsJsonAsync("/api/admin/v1/templates", new
        {
            name,
            osFamily = "Windows",
            osVersion = "2025 Datacenter",
            generation = 2,
            diskFileName = "ws2025.vhdx",
            diskSizeGiB = 40,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private async Task UploadDiskAsync(Guid templateId, string diskPath)
    {
        using var api = await portal.AdminApiAsync();
        await using var disk = File.OpenRead(diskPath);
        var content = new StreamContent(disk);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var response = await api.PutAsync($"/api/admin/v1/templates/{templateId}/disk", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#sign-in-submit").ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            AcceptDownloads = true,
        });
        _contexts.Add(context);
        var origin = portal.BaseAddress.GetLeftPart(UriPartial.Authority);
        await context.RouteAsync(
            url => !url.StartsWith(origin, StringComparison.OrdinalIgnoreCase),
            route => route.AbortAsync("blockedbyclient"));
        return await context.NewPageAsync();
    }

    private static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var size = page.ViewportSize;
        var height = await page.EvaluateAsync<int>("() => Math.ceil(document.querySelector('main')?.getBoundingClientRect().height ?? 0)");
        if (size is not null && height + 64 > size.Height)
        {
            await page.SetViewportSizeAsync(size.Width, height + 64);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
    }

    private sealed record IdOnly(Guid Id);
}
