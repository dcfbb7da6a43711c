using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Web.Components.Controls;
using Portal.Web.Features.AddOns;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Plans;

public partial class AdminPlansPage
{
    private readonly HashSet<Guid> _addOnPlans = [];
    private IQueryable<PlanDto> _plans = Enumerable.Empty<PlanDto>().AsQueryable();
    private IQueryable<AddOnDto> _addOns = Enumerable.Empty<AddOnDto>().AsQueryable();
    private string? _message;
    private bool _messageIsError;
    private string? _addOnName;
    private int _extraVms;
    private int _extraVcpus;
    private int _extraMemory;
    private int _extraStorage;
    private int _addOnMax = 1;
    private AuditActor _actor = AuditActor.System;

    private enum AddOnAction
    {
        Publish,
        Decommission,
        Delete,
    }

    [Inject]
    private PlanService Plans { get; set; } = default!;

    [Inject]
    private AddOnService AddOns { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _plans = (await Plans.ListAsync(CancellationToken.None)).AsQueryable();
        _addOns = (await AddOns.ListAsync(CancellationToken.None)).AsQueryable();
    }

    private async Task CreateAddOnAsync()
    {
        try
        {
            var created = await AddOns.CreateAsync(new AddOnRequest(_addOnName, null,
                new ResourceAmount(_extraVms, _extraVcpus, _extraMemory, _extraStorage), _addOnMax, [.. _addOnPlans]), _actor,
                CancellationToken.None);
            Show($"Add-on '{created.Name}' was created as private; publish it when tenants may add it.", false);
            _addOnName = null;
            _addOnPlans.Clear();
            await LoadAsync();
        }
        catch (DomainValidationException e)
        {
            Show(string.Join(" ", e.Errors.Values.SelectMany(m => m)), true);
        }
    }

    private async Task ChangeAddOnAsync(AddOnDto addOn, AddOnAction action)
    {
        if (action == AddOnAction.Delete)
        {
            var answer = await Dialogs.ConfirmAsync("Delete this add-on?", $"Add-on '{addOn.Name}' will be removed for good.", "Delete");
            if (answer.Cancelled)
            {
                return;
            }
        }

        try
        {
            switch (action)
            {
                case AddOnAction.Publish:
                    await AddOns.PublishAsync(addOn.Id, _actor, CancellationToken.None);
                    break;
                case AddOnAction.Decommission:
                    await AddOns.DecommissionAsync(addOn.Id, _actor, CancellationToken.None);
                    break;
                case AddOnAction.Delete:
                    await AddOns.DeleteAsync(addOn.Id, _actor, CancellationToken.None);
                    break;
            }

            _message = null;
        }
        catch (DomainException e)
        {
            Show(e.Message, true);
        }

        await LoadAsync();
    }

    private void ToggleAddOnPlan(Guid planId, bool on)
    {
        if (on)
        {
            _addOnPlans.Add(planId);
        }
        else
        {
            _addOnPlans.Remove(planId);
        }
    }

    private void Show(string message, bool isError)
    {
        _message = message;
        _messageIsError = isError;
    }

    private string PlanName(Guid id) => _plans.FirstOrDefault(p => p.Id == id)?.Name ?? "?";

    private static string Limit(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";

    private static string DescribeExtra(AddOnDto a) =>
        $"+{a.Extra.Vms} VMs, +{a.Extra.Vcpus} vCPUs, +{a.Extra.MemoryGiB} GiB memory, +{a.Extra.StorageGiB} GiB storage";

    internal static BadgeColor StateColor(PlanState state) => state switch
    {
        PlanState.Public => BadgeColor.Success,
        PlanState.Private => BadgeColor.Informative,
        PlanState.Decommissioned => BadgeColor.Subtle,
    };
}
