using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.VirtualMachines;
using Portal.Web.Components.Controls;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// The new-VM wizard: subscription, template, size, name, shielding (with the files that fit), quota preview. The
/// rules are the service's and Core's; this page only shows them early and says why something is unavailable.
/// </summary>
public partial class NewVmPage
{
    private IReadOnlyList<SubscriptionDto> _subscriptions = [];
    private IReadOnlyList<ShieldingDataDto> _files = [];
    private NewVmOptionsDto? _options;
    private Guid? _subscriptionId;
    private Guid? _templateId;
    private Guid? _sizeId;
    private string? _name;
    private string? _nameError;
    private bool _shielded;
    private Guid? _shieldingDataId;
    private Guid _tenantId;
    private AuditActor _actor = AuditActor.System;
    private PageActions _actions = default!;

    [Inject]
    private VmService Vms { get; set; } = default!;

    [Inject]
    private NewVmOptions Options { get; set; } = default!;

    [Inject]
    private SubscriptionService Subscriptions { get; set; } = default!;

    [Inject]
    private ShieldingDataService ShieldingData { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    private SubscriptionDto? Chosen => _subscriptions.FirstOrDefault(s => s.Id == _subscriptionId);

    private ResourceAmount? Adds => _options?.Sizes.FirstOrDefault(s => s.Id == _sizeId) is { } size
        ? new ResourceAmount(1, size.Vcpus, size.MemoryGiB, size.DiskGiB)
        : null;

    /// <summary>Why the Shielded option cannot be chosen, or null when it can.</summary>
    private string? ShieldingUnavailable =>
        _options is not { } options ? "Choose a subscription first."
        : !options.AllowShieldedVms ? $"Plan '{options.PlanName}' does not allow shielded VMs; ask your provider for a plan that does."
        : options.Templates.FirstOrDefault(t => t.Id == _templateId) is not { } template ? "Choose a template first."
        : !template.IsShieldingCapable ? $"Template '{template.Name}' has no signed template disk, so it cannot create a shielded VM; choose a template with the shield icon."
        : null;

    protected override async Task OnInitializedAsync()
    {
        _actions = new PageActions(Dialogs);
        _tenantId = (await AuthenticationState.GetAuthenticationStateAsync()).User.GetRequiredTenantId();
        _actor = await CurrentActor.GetAsync();
        _subscriptions = await Subscriptions.ListForTenantAsync(_tenantId, CancellationToken.None);
        _files = await ShieldingData.ListAsync(_tenantId, CancellationToken.None);
        if (_subscriptions.FirstOrDefault(s => s.State == SubscriptionState.Active) is { } first)
        {
            await ChooseSubscriptionAsync(first.Id);
        }
    }

    private async Task ChooseSubscriptionAsync(Guid? id)
    {
        _subscriptionId = id;
        _options = id is { } subscriptionId ? await Options.ForSubscriptionAsync(_tenantId, subscriptionId, CancellationToken.None) : null;
        if (_options is { } options)
        {
            _templateId = options.Templates.Any(t => t.Id == _templateId) ? _templateId : options.Templates.FirstOrDefault()?.Id;
            var preferred = options.Templates.FirstOrDefault(t => t.Id == _templateId)?.DefaultHardwareProfileId;
            _sizeId = options.Sizes.Any(s => s.Id == _sizeId) ? _sizeId
                : options.Sizes.FirstOrDefault(s => s.Id == preferred)?.Id ?? options.Sizes.FirstOrDefault()?.Id;
        }

        KeepShieldingConsistent();
    }

    private void ChooseTemplate(Guid? id)
    {
        _templateId = id;
        KeepShieldingConsistent();
    }

    private void SetShielded(bool value)
    {
        _shielded = value;
        KeepShieldingConsistent();
    }

    // A file chosen for one template may not fit the next; the shielded switch cannot stay on where it is unavailable.
    private void KeepShieldingConsistent()
    {
        if (ShieldingUnavailable is not null)
        {
            _shielded = false;
        }

        if (!_shielded || _templateId is not { } templateId
            || _files.FirstOrDefault(f => f.Id == _shieldingDataId) is not { } file || ShieldingDataFit.Problem(file, templateId) is not null)
        {
            _shieldingDataId = _shielded && _templateId is { } t
                ? _files.Where(f => ShieldingDataFit.Problem(f, t) is null).Select(f => (Guid?)f.Id).FirstOrDefault()
                : null;
        }
    }

    private void SetName(string? value)
    {
        _name = value;
        ValidateName();
    }

    private void ValidateName()
    {
        var name = _name?.Trim() ?? "";
        _nameError = name.Length switch
        {
            0 => "Give the VM a name.",
            > VirtualMachine.NameMaxLength => $"A VM name is at most {VirtualMachine.NameMaxLength} characters; this one has {name.Length}.",
            _ => null,
        };
    }

    private static bool Exceeds(QuotaUsage usage, int adds) => adds > 0 && usage.Limit is { } limit && usage.Used + adds > limit;

    private async Task CreateAsync()
    {
        ValidateName();
        var missing = (_subscriptionId, _templateId, _sizeId) switch
        {
            (null, _, _) => "Choose a subscription.",
            (_, null, _) => "Choose a template.",
            (_, _, null) => "Choose a size.",
            _ when _nameError is not null => _nameError,
            _ when _shielded && _shieldingDataId is null => "A shielded VM needs one of your shielding data files that fits this template: choose one.",
            _ => null,
        };
        if (missing is not null)
        {
            _actions.Show(missing, error: true);
            return;
        }

        Guid? created = null;
        await _actions.RunAsync(async () =>
        {
            var request = new CreateVmRequest(_subscriptionId!.Value, _name, _templateId!.Value, _sizeId!.Value, _shielded,
                _shielded ? _shieldingDataId : null);
            var (vm, _, _) = await Vms.CreateAsync(_tenantId, request, idempotencyKey: null, _actor, CancellationToken.None);
            created = vm.Id;
            return $"'{vm.Name}' is being created.";
        });
        if (created is { } id)
        {
            Navigation.NavigateTo($"/vms/{id}");
        }
        else
        {
            // The refusal may be about quota: show the numbers as they are now.
            _subscriptions = await Subscriptions.ListForTenantAsync(_tenantId, CancellationToken.None);
        }
    }
}
