using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Playwright;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.E2E.Tests.HostGuardian;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// The HGS admin pages (a trust domain of their own, the same pages inside the portal when HGS runs in-process) show
/// hostile names as text: a code-integrity policy's, a TPM baseline's and a host group's; a host's name is refused.
/// As in <see cref="XssPayloadTests"/>, pages run with their Content-Security-Policy bypassed.
/// </summary>
public sealed class HgsXssPayloadTests(StandaloneHgsFixture hgs) : IClassFixture<StandaloneHgsFixture>, IAsyncLifetime
{
    private static readonly string PolicyName = XssPayloads.Fitting("ci-policy", 128);
    private static readonly string BaselineName = XssPayloads.Fitting("baseline", 128);
    private static readonly string HostGroupName = XssPayloads.Fitting("host-group", 128);

    private IBrowserContext _context = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        _context = await hgs.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hgs.BaseAddress.ToString(), BypassCSP = true });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task HgsPages_ShowHostileNamesAsText_AndRunNoScript()
    {
        using var api = new HttpClient { BaseAddress = hgs.BaseAddress };
        api.DefaultRequestHeaders.Add(HgsRoutes.AdminKeyHeader, StandaloneHgsFixture.AdminKey);
        await PostAsync(api, "ci-policies", new CodeIntegrityPolicyRequest(PolicyName, Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
        await PostAsync(api, "baselines", new TpmBaselineRequest(BaselineName,
            [.. Enumerable.Range(0, 8).Select(i => new PcrValue(i, RandomNumberGenerator.GetBytes(32)))]));
        await PostAsync(api, "host-groups", new HostGroupRequest(HostGroupName));

        var refused = await api.PostAsJsonAsync($"{HgsRoutes.Admin}/hosts",
            new RegisterHostRequest(XssPayloads.Short("hgs-host"), AttestationMode.AdminTrusted, Group: HostGroupName));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("letters, digits, '-', '.' and '_' only", await refused.Content.ReadAsStringAsync());

        var detector = await XssDetector.AttachAsync(_page);
        await _page.GotoAsync("/hgs/admin");
        await _page.Locator("#admin-key").FillAsync(StandaloneHgsFixture.AdminKey);
        await _page.Locator("#hgs-sign-in-submit").ClickAsync();
        var pages = new HgsAdminPages(_page);
        await pages.ExpectHostsAsync();
        await detector.AssertCleanAsync("/hgs/admin");

        await pages.OpenAsync("/hgs/admin/ci-policies");
        await ExpectShownAsync(detector, "/hgs/admin/ci-policies", PolicyName);
        await ConfirmationAsync(detector, Row(PolicyName).GetByTestId("remove-policy"), PolicyName);

        await pages.OpenAsync("/hgs/admin/baselines");
        await ExpectShownAsync(detector, "/hgs/admin/baselines", BaselineName);
        await ConfirmationAsync(detector, Row(BaselineName).GetByTestId("remove-baseline"), BaselineName);

        await pages.OpenAsync("/hgs/admin/history");
        await ExpectShownAsync(detector, "/hgs/admin/history", PolicyName, BaselineName, HostGroupName);
    }

    private static async Task PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync($"{HgsRoutes.Admin}/{path}", body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private ILocator Row(string text) => _page.Locator("tr", new() { HasText = text });

    private async Task ExpectShownAsync(XssDetector detector, string where, params string[] shown)
    {
        foreach (var text in shown)
        {
            await Assertions.Expect(_page.Locator("main")).ToContainTextAsync(text);
        }

        await detector.AssertCleanAsync(where);
    }

    private async Task ConfirmationAsync(XssDetector detector, ILocator opener, string shown)
    {
        var dialog = new ConfirmationDialog(_page);
        await opener.ClickAsync();
        await Assertions.Expect(dialog.Window).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Host).ToContainTextAsync(shown);
        await detector.AssertCleanAsync($"{_page.Url} (confirmation)");
        await dialog.CancelAsync(shown);
    }
}
