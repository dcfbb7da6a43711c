using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Web.Components.Controls;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Tenants;

public partial class AdminTenantsPage
{
    private const int PageSize = 20;

    private IQueryable<TenantSummaryDto> _page = Enumerable.Empty<TenantSummaryDto>().AsQueryable();
    private TenantDetailsDto? _details;
    private string? _search;
    private int _pageNumber = 1;
    private int _total;
    private string? _message;
    private bool _messageIsError;
    private AuditActor _actor = AuditActor.System;

    private enum TenantAction
    {
        Suspend,
        Resume,
        Delete,
    }

    [Inject]
    private TenantAdministration Tenants { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    // axe cannot see the disabled state Fluent keeps in ElementInternals, and would measure the greyed text's contrast.
    private static string? AriaDisabled(bool disabled) => disabled ? "true" : null;

    private int PageCount => Math.Max(1, (_total + PageSize - 1) / PageSize);

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var page = await Tenants.ListAsync(_search, _pageNumber, PageSize, CancellationToken.None);
        _page = page.Items.AsQueryable();
        _total = page.Total;
    }

    private async Task SearchAsync(string? search)
    {
        _search = search;
        _pageNumber = 1;
        await LoadAsync();
    }

    private async Task GoToAsync(int page)
    {
        _pageNumber = Math.Clamp(page, 1, PageCount);
        await LoadAsync();
    }

    private async Task ShowAsync(Guid id) => _details = await Tenants.GetAsync(id, CancellationToken.None);

    private async Task UnlockAsync(TenantUserDto user)
    {
        if (_details is not { } tenant)
        {
            return;
        }

        try
        {
            await Tenants.UnlockUserAsync(tenant.Id, user.Id, _actor, CancellationToken.None);
            _details = await Tenants.GetAsync(tenant.Id, CancellationToken.None);
            _message = $"{user.Email} can sign in again.";
            _messageIsError = false;
        }
        catch (DomainException e)
        {
            _message = e.Message;
            _messageIsError = true;
        }
    }

    private async Task ChangeAsync(TenantAction action)
    {
        if (_details is not { } tenant)
        {
            return;
        }

        var (title, message, button) = action switch
        {
            TenantAction.Suspend => ("Suspend this tenant?",
                $"'{tenant.Name}' keeps its VMs and data, but cannot create or change anything until resumed.", "Suspend"),
            TenantAction.Resume => ("Resume this tenant?", $"'{tenant.Name}' can work normally again.", "Resume"),
            TenantAction.Delete => ("Delete this tenant?",
                $"'{tenant.Name}', its {tenant.Users.Count} user(s) and its subscriptions will be removed for good.", "Delete"),
        };
        var answer = await Dialogs.ConfirmAsync(title, message, button);
        if (answer.Cancelled)
        {
            return;
        }

        try
        {
            switch (action)
            {
                case TenantAction.Suspend:
                    await Tenants.SuspendAsync(tenant.Id, _actor, CancellationToken.None);
                    break;
                case TenantAction.Resume:
                    await Tenants.ResumeAsync(tenant.Id, _actor, CancellationToken.None);
                    break;
                case TenantAction.Delete:
                    await Tenants.DeleteAsync(tenant.Id, _actor, CancellationToken.None);
                    break;
            }

            _details = action == TenantAction.Delete ? null : await Tenants.GetAsync(tenant.Id, CancellationToken.None);
            _message = action == TenantAction.Delete ? $"Tenant '{tenant.Name}' was deleted." : $"Tenant '{tenant.Name}' is now {_details!.State}.";
            _messageIsError = false;
        }
        catch (DomainException e)
        {
            _message = e.Message;
            _messageIsError = true;
        }

        await LoadAsync();
    }
}
