using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Portal.Core.Common;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account;

public partial class SignUp
{
    private EditContext _editContext = default!;
    private ValidationMessageStore _serverErrors = default!;

    [SupplyParameterFromForm]
    private SignUpInput Input { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    protected override void OnInitialized()
    {
        Input ??= new();
        _editContext = new EditContext(Input);
        _serverErrors = new ValidationMessageStore(_editContext);
    }

    private async Task SignUpAsync()
    {
        try
        {
            var user = await TenantSignUp.RegisterAsync(Input, HttpContext.ToAuditActor(), HttpContext.RequestAborted);
            await SignInManager.SignInAsync(user, isPersistent: false);
        }
        catch (DomainValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                _serverErrors.Add(_editContext.Field(field == "" ? nameof(SignUpInput.Email) : field), messages);
            }

            _editContext.NotifyValidationStateChanged();
            return;
        }

        Navigation.NavigateTo("/", forceLoad: true);
    }
}
