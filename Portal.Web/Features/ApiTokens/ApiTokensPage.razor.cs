using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Web.Components.Controls;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.ApiTokens;

public partial class ApiTokensPage
{
    private static readonly int[] ExpiryChoices = [30, 90, 365];

    private IQueryable<ApiTokenDto> _tokens = Enumerable.Empty<ApiTokenDto>().AsQueryable();
    private string? _name;
    private string? _nameError;
    private int _expiresInDays = 90;
    private IssuedApiToken? _issued;
    private Guid _userId;
    private Guid? _tenantId;
    private AuditActor _actor = AuditActor.System;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _userId = user.GetUserId();
        _tenantId = user.GetTenantId();
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync() =>
        _tokens = (await Tokens.ListAsync(_userId, CancellationToken.None)).AsQueryable();

    private async Task CreateAsync()
    {
        _nameError = null;
        try
        {
            _issued = await Tokens.IssuePersonalAsync(_userId, _tenantId, _name ?? "", _expiresInDays, _actor, CancellationToken.None);
            _name = null;
            await LoadAsync();
        }
        catch (DomainValidationException e)
        {
            _nameError = string.Join(" ", e.Errors.Values.SelectMany(m => m));
        }
    }

    private async Task RevokeAsync(ApiTokenDto token)
    {
        var answer = await Dialogs.ConfirmAsync("Revoke this token?", $"Scripts using '{token.Name}' will stop working at once.", "Revoke");
        if (answer.Cancelled)
        {
            return;
        }

        await Tokens.RevokeAsync(_userId, _tenantId, token.Id, _actor, CancellationToken.None);
        _issued = null;
        await LoadAsync();
    }

    private static BadgeColor StatusColor(string status) => status switch
    {
        "Active" => BadgeColor.Success,
        "Expired" => BadgeColor.Warning,
        _ => BadgeColor.Subtle,
    };
}
