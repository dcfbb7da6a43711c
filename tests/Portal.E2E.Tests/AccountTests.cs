using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests;

public sealed class AccountTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    private static readonly string NotCorrect = Web.Features.Account.PasswordSignIn.FailureMessage;

    [Fact]
    public async Task NewTenant_SignsUpAndSignsIn_SeesDashboard()
    {
        var tenant = TestTenant.New("Ada Lovelace");

        var dashboard = await new SignUpPage(Page).SignUpAsync(tenant);
        var signIn = await dashboard.SignOutAsync();
        await Assertions.Expect(Page.GetByTestId("user-name")).ToHaveCountAsync(0);

        await signIn.SubmitAsync(tenant.Email, tenant.Password);

        await dashboard.ExpectWelcomeAsync(tenant.DisplayName);
        await Assertions.Expect(dashboard.NavLink("Virtual machines")).ToBeVisibleAsync();
        await SaveScreenshotAsync(Page, "tenant-dashboard.png");
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsError()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(Page).SignUpAsync(tenant);

        var stranger = await NewPageAsync();
        var signIn = new SignInPage(stranger);
        await signIn.OpenAsync();
        await signIn.SubmitAsync(tenant.Email, tenant.Password + "x");

        await Assertions.Expect(signIn.Error).ToHaveTextAsync(NotCorrect);
        await Assertions.Expect(stranger.GetByTestId("user-name")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData("short-Pw1", "The password must be at least 12 characters.")]
    [InlineData("no-upper-case-42", "Passwords must have at least one uppercase ('A'-'Z').")]
    public async Task SignUp_WeakPassword_ShowsMessageAndCreatesNothing(string password, string message)
    {
        var tenant = TestTenant.New() with { Password = password };
        var signUp = new SignUpPage(Page);
        await signUp.OpenAsync();

        await signUp.SubmitAsync(tenant);

        await Assertions.Expect(signUp.ValidationMessages).ToHaveTextAsync([message]);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Create a tenant account");
        await Assertions.Expect(Page.GetByTestId("user-name")).ToHaveCountAsync(0);

        var signIn = new SignInPage(Page);
        await signIn.OpenAsync();
        await signIn.SubmitAsync(tenant.Email, tenant.Password);
        await Assertions.Expect(signIn.Error).ToHaveTextAsync(NotCorrect);
    }

    [Fact]
    public async Task SignUp_TakenEmail_ShowsMessage()
    {
        var first = TestTenant.New("First Owner");
        await new SignUpPage(Page).SignUpAsync(first);

        // Someone else, elsewhere, tries the same address (in other letter case).
        var second = TestTenant.New("Second Owner") with { Email = first.Email.ToUpperInvariant() };
        var otherPage = await NewPageAsync();
        var signUp = new SignUpPage(otherPage);
        await signUp.OpenAsync();
        await signUp.SubmitAsync(second);

        await Assertions.Expect(signUp.ValidationMessages).ToHaveTextAsync(["An account with this email already exists."]);
        await Assertions.Expect(otherPage.GetByTestId("user-name")).ToHaveCountAsync(0);

        // The original owner's password still opens the account: nothing was overwritten.
        var signIn = new SignInPage(otherPage);
        await signIn.OpenAsync();
        await signIn.SubmitAsync(first.Email, first.Password);
        await new DashboardPage(otherPage).ExpectWelcomeAsync(first.DisplayName);
    }
}
