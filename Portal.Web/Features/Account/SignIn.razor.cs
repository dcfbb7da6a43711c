using Microsoft.AspNetCore.Components;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account;

public partial class SignIn
{
    private string? _error;

    [SupplyParameterFromForm]
    private SignInInput Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    protected override void OnInitialized() => Input ??= new();

    private async Task SignInAsync()
    {
        var result = await SignInManager.PasswordSignInAsync(
            Input.Email.Trim(), Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl), forceLoad: true);
            return;
        }

        _error = result.IsLockedOut
            ? $"This account is locked after {IdentitySetup.MaxFailedSignIns} failed sign-ins. Try again in {IdentitySetup.LockoutDuration.TotalMinutes:0} minutes."
            : "Email or password is not correct.";
    }
}
