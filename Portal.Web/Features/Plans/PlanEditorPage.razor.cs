using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Gallery;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Plans;

public partial class PlanEditorPage
{
    private PlanDto? _plan;
    private PlanRequest? _initial;
    private IReadOnlyList<TemplateDto> _templates = [];
    private IReadOnlyList<HardwareProfileDto> _sizes = [];
    private IReadOnlyDictionary<string, string[]>? _serverErrors;
    private string? _message;
    private bool _messageIsError;
    private bool _loaded;
    private Guid _formKey = Guid.NewGuid();
    private AuditActor _actor = AuditActor.System;

    private enum PlanAction
    {
        Publish,
        MakePrivate,
        Decommission,
        Reopen,
        Clone,
        Delete,
    }

    [Parameter]
    public Guid? Id { get; set; }

    [Inject]
    private PlanService Plans { get; set; } = default!;

    [Inject]
    private GalleryService Gallery { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    private string Subtitle => _plan is null
        ? "A new plan starts private; publish it when tenants may subscribe."
        : "Changes to quotas apply to every subscription of this plan at once.";

    protected override async Task OnParametersSetAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _templates = [.. (await Gallery.ListTemplatesAsync(CancellationToken.None)).Where(t => t.IsActive)];
        _sizes = await Gallery.ListProfilesAsync(CancellationToken.None);
        _plan = Id is { } id ? await Plans.GetAsync(id, CancellationToken.None) : null;
        _initial = _plan is { } p
            ? new PlanRequest(p.Name, p.Description, p.Quota, p.AllowShieldedVms, p.InvitationCode, p.MaxSubscriptionsPerTenant,
                p.TemplateIds, p.HardwareProfileIds)
            : null;
        _formKey = Guid.NewGuid();
        _loaded = true;
    }

    private async Task SaveAsync(PlanRequest request)
    {
        _serverErrors = null;
        try
        {
            if (_plan is null)
            {
                var created = await Plans.CreateAsync(request, _actor, CancellationToken.None);
                Navigation.NavigateTo($"/admin/plans/{created.Id}");
                return;
            }

            _plan = await Plans.UpdateAsync(_plan.Id, request, _actor, CancellationToken.None);
            Show("Saved. Subscriptions of this plan use the new settings from now on.", false);
        }
        catch (DomainValidationException e)
        {
            _serverErrors = e.Errors;
            Show("Some values need attention.", true);
        }
    }

    private async Task ChangeAsync(PlanAction action)
    {
        if (_plan is not { } plan)
        {
            return;
        }

        if (action is PlanAction.Publish or PlanAction.Decommission or PlanAction.Delete)
        {
            var (title, message, button) = action switch
            {
                PlanAction.Publish => ("Publish this plan?", "Every tenant will be able to see it and subscribe.", "Publish"),
                PlanAction.Decommission => ("Decommission this plan?",
                    "Existing subscriptions keep running, but nobody can subscribe any more.", "Decommission"),
                _ => ("Delete this plan?", $"Plan '{plan.Name}' will be removed for good.", "Delete"),
            };
            var answer = await Dialogs.ConfirmAsync(title, message, button);
            if (answer.Cancelled)
            {
                return;
            }
        }

        try
        {
            switch (action)
            {
                case PlanAction.Publish:
                    _plan = await Plans.PublishAsync(plan.Id, _actor, CancellationToken.None);
                    break;
                case PlanAction.MakePrivate:
                    _plan = await Plans.MakePrivateAsync(plan.Id, _actor, CancellationToken.None);
                    break;
                case PlanAction.Decommission:
                    _plan = await Plans.DecommissionAsync(plan.Id, _actor, CancellationToken.None);
                    break;
                case PlanAction.Reopen:
                    _plan = await Plans.ReopenAsync(plan.Id, _actor, CancellationToken.None);
                    break;
                case PlanAction.Clone:
                    var clone = await Plans.CloneAsync(plan.Id, null, _actor, CancellationToken.None);
                    Navigation.NavigateTo($"/admin/plans/{clone.Id}");
                    return;
                case PlanAction.Delete:
                    await Plans.DeleteAsync(plan.Id, _actor, CancellationToken.None);
                    Navigation.NavigateTo("/admin/plans");
                    return;
            }

            Show($"Plan '{_plan.Name}' is now {_plan.State}.", false);
        }
        catch (DomainException e)
        {
            Show(e.Message, true);
        }
    }

    private void Show(string message, bool isError)
    {
        _message = message;
        _messageIsError = isError;
    }
}
