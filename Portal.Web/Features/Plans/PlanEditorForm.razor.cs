using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Web.Features.Gallery;

namespace Portal.Web.Features.Plans;

/// <summary>
/// Edits a plan's settings and says what is wrong as the admin types. The limits come from Portal.Core's constants;
/// the service checks them again (with Core's own messages) when saving.
/// </summary>
public partial class PlanEditorForm
{
    private readonly HashSet<Guid> _templateIds = [];
    private readonly HashSet<Guid> _profileIds = [];
    private readonly HashSet<string> _touched = [];
    private QuotaField[] _quotas = [];
    private string? _name;
    private string? _description;
    private bool _allowShielded;
    private string? _invitationCode;
    private int _maxSubscriptions = 1;
    private bool _maxSubscriptionsUnlimited = true;
    private bool _showAll;

    [Parameter]
    public PlanRequest? Initial { get; set; }

    [Parameter]
    public IReadOnlyList<TemplateDto> Templates { get; set; } = [];

    [Parameter]
    public IReadOnlyList<HardwareProfileDto> Sizes { get; set; } = [];

    [Parameter]
    public string SaveText { get; set; } = "Save";

    /// <summary>Errors the server found (e.g. a duplicate name), by field; shown until that field changes.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string[]>? ServerErrors { get; set; }

    [Parameter]
    public EventCallback<PlanRequest> OnSave { get; set; }

    private Dictionary<string, string> _serverErrors = [];

    protected override void OnInitialized()
    {
        var plan = Initial;
        var quota = plan?.Quota ?? new QuotaDto(10, 20, 64, 1000);
        _name = plan?.Name;
        _description = plan?.Description;
        _allowShielded = plan?.AllowShieldedVms ?? false;
        _invitationCode = plan?.InvitationCode;
        _maxSubscriptionsUnlimited = plan?.MaxSubscriptionsPerTenant is null;
        _maxSubscriptions = plan?.MaxSubscriptionsPerTenant ?? 1;
        _templateIds.UnionWith(plan?.TemplateIds ?? []);
        _profileIds.UnionWith(plan?.HardwareProfileIds ?? []);
        _quotas =
        [
            new("MaxVms", "Virtual machines", quota.MaxVms),
            new("MaxVcpus", "vCPUs", quota.MaxVcpus),
            new("MaxMemoryGiB", "Memory (GiB)", quota.MaxMemoryGiB),
            new("MaxStorageGiB", "Storage (GiB)", quota.MaxStorageGiB),
        ];
    }

    protected override void OnParametersSet() =>
        _serverErrors = ServerErrors?.ToDictionary(kv => kv.Key, kv => string.Join(" ", kv.Value)) ?? [];

    /// <summary>What is wrong now, by field, in words an admin can act on.</summary>
    internal IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        var name = _name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors["Name"] = "Give the plan a name.";
        }
        else if (name.Length > Plan.NameMaxLength)
        {
            errors["Name"] = $"Keep the name to {Plan.NameMaxLength} characters or fewer.";
        }

        if ((_description?.Trim().Length ?? 0) > Plan.DescriptionMaxLength)
        {
            errors["Description"] = $"Keep the description to {Plan.DescriptionMaxLength} characters or fewer.";
        }

        foreach (var quota in _quotas.Where(q => !q.Unlimited && (q.Value < 0 || q.Value > QuotaLimits.MaxLimit)))
        {
            errors[quota.Field] = $"Enter a number from 0 to {QuotaLimits.MaxLimit:N0}, or switch on Unlimited.";
        }

        var code = _invitationCode?.Trim() ?? "";
        if (code.Length is > 0 and < Plan.InvitationCodeMinLength)
        {
            errors["InvitationCode"] = $"An invitation code needs at least {Plan.InvitationCodeMinLength} characters.";
        }
        else if (code.Length > Plan.InvitationCodeMaxLength)
        {
            errors["InvitationCode"] = $"Keep the invitation code to {Plan.InvitationCodeMaxLength} characters or fewer.";
        }

        if (!_maxSubscriptionsUnlimited && (_maxSubscriptions < 1 || _maxSubscriptions > Plan.MaxSubscriptionsLimit))
        {
            errors["MaxSubscriptionsPerTenant"] =
                $"Enter a number from 1 to {Plan.MaxSubscriptionsLimit:N0}, or switch on Unlimited.";
        }

        return errors;
    }

    private string? Error(string field)
    {
        if (_serverErrors.TryGetValue(field, out var server))
        {
            return server;
        }

        return (_showAll || _touched.Contains(field)) && Validate().TryGetValue(field, out var message) ? message : null;
    }

    private MessageState? State(string field) => Error(field) is null ? null : MessageState.Error;

    private void Set(Action change, string field)
    {
        change();
        _touched.Add(field);
        _serverErrors.Remove(field);
    }

    private static void Toggle(HashSet<Guid> set, Guid id, bool on)
    {
        if (on)
        {
            set.Add(id);
        }
        else
        {
            set.Remove(id);
        }
    }

    private async Task SaveAsync()
    {
        _showAll = true;
        if (Validate().Count > 0)
        {
            return;
        }

        int? Limit(string field) => _quotas.Single(q => q.Field == field) is var q && q.Unlimited ? null : q.Value;
        await OnSave.InvokeAsync(new PlanRequest(
            _name, _description, new QuotaDto(Limit("MaxVms"), Limit("MaxVcpus"), Limit("MaxMemoryGiB"), Limit("MaxStorageGiB")),
            _allowShielded, string.IsNullOrWhiteSpace(_invitationCode) ? null : _invitationCode,
            _maxSubscriptionsUnlimited ? null : _maxSubscriptions, [.. _templateIds], [.. _profileIds]));
    }

    private sealed class QuotaField(string field, string label, int? limit)
    {
        public string Field { get; } = field;

        public string Label { get; } = label;

        public int Value { get; set; } = limit ?? 0;

        public bool Unlimited { get; set; } = limit is null;
    }
}
