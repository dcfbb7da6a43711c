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
        if (await PasswordSignIn.CheckAsync(Input.Email, Input.Password) is { } user)
        {
            await SignInManager.SignInAsync(user, Input.RememberMe, authenticationMethod: "pwd");
            Navigation.NavigateTo(LocalUrl.OrHome(ReturnUrl), forceLoad: true);
            return;
        }

        _error = PasswordSignIn.FailureMessage;
    }
}
