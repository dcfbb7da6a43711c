using System.Security.Cryptography;
using System.Text;
using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Core.Plans;

/// <summary>What a provider offers: quotas, templates, sizes and whether VMs may be shielded.</summary>
public sealed class Plan : IVersioned
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 2000;
    public const int InvitationCodeMinLength = 4;
    public const int InvitationCodeMaxLength = 64;
    public const int MaxSubscriptionsLimit = 1000;

    private readonly List<PlanTemplateOffering> _templateOfferings = [];
    private readonly List<PlanHardwareProfileOffering> _hardwareProfileOfferings = [];

    private Plan()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public string Name { get; private set; } = "";

    public string Description { get; private set; } = "";

    public PlanState State { get; private set; }

    public QuotaLimits Quota { get; private set; } = QuotaLimits.Unlimited;

    public bool AllowShieldedVms { get; private set; }

    /// <summary>When set, tenants must enter it to subscribe. Compared in constant time.</summary>
    public string? InvitationCode { get; private set; }

    /// <summary>How many subscriptions to this plan one tenant account may hold; null = unlimited.</summary>
    public int? MaxSubscriptionsPerTenant { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyCollection<Guid> OfferedTemplateIds => [.. _templateOfferings.Select(o => o.TemplateId)];

    public IReadOnlyCollection<Guid> OfferedHardwareProfileIds =>
        [.. _hardwareProfileOfferings.Select(o => o.HardwareProfileId)];

    /// <summary>The offered templates as rows of their own (the database keeps them in a join table).</summary>
    public IReadOnlyCollection<PlanTemplateOffering> TemplateOfferings => _templateOfferings.AsReadOnly();

    public IReadOnlyCollection<PlanHardwareProfileOffering> HardwareProfileOfferings =>
        _hardwareProfileOfferings.AsReadOnly();

    public bool RequiresInvitation => InvitationCode is not null;

    /// <summary>Creates a Private plan; publish it when it is ready for tenants.</summary>
    public static Plan Create(
        string name,
        string? description,
        QuotaLimits quota,
        bool allowShieldedVms,
        string? invitationCode,
        int? maxSubscriptionsPerTenant,
        DateTimeOffset now)
    {
        var plan = new Plan { Id = Guid.CreateVersion7(now), State = PlanState.Private, CreatedAt = now };
        plan.Update(name, description, quota, allowShieldedVms, invitationCode, maxSubscriptionsPerTenant);
        return plan;
    }

    /// <summary>
    /// Changes the plan's settings. Lowering a quota below current usage is allowed: existing VMs keep running,
    /// new requests are refused by the quota check.
    /// </summary>
    public void Update(
        string name,
        string? description,
        QuotaLimits quota,
        bool allowShieldedVms,
        string? invitationCode,
        int? maxSubscriptionsPerTenant)
    {
        ArgumentNullException.ThrowIfNull(quota);
        Name = Guard.Text(name, nameof(Name), 1, NameMaxLength);
        Description = Guard.Text(description, nameof(Description), 0, DescriptionMaxLength);
        Quota = quota;
        AllowShieldedVms = allowShieldedVms;
        InvitationCode = string.IsNullOrWhiteSpace(invitationCode)
            ? null
            : Guard.Text(invitationCode, nameof(InvitationCode), InvitationCodeMinLength, InvitationCodeMaxLength);
        MaxSubscriptionsPerTenant = maxSubscriptionsPerTenant is null
            ? null
            : Guard.Range(maxSubscriptionsPerTenant.Value, nameof(MaxSubscriptionsPerTenant), 1, MaxSubscriptionsLimit);
    }

    /// <summary>Replaces the templates and hardware profiles this plan offers (duplicates are ignored).</summary>
    public void SetOfferings(IEnumerable<Guid> templateIds, IEnumerable<Guid> hardwareProfileIds)
    {
        var templates = DistinctIds(templateIds, "OfferedTemplateIds");
        var profiles = DistinctIds(hardwareProfileIds, "OfferedHardwareProfileIds");

        // Rows that stay are kept as they are, so a change touches only what was added or removed.
        _templateOfferings.RemoveAll(o => !templates.Contains(o.TemplateId));
        _templateOfferings.AddRange(templates
            .Where(id => !OffersTemplate(id))
            .Select(id => new PlanTemplateOffering(id)));
        _hardwareProfileOfferings.RemoveAll(o => !profiles.Contains(o.HardwareProfileId));
        _hardwareProfileOfferings.AddRange(profiles
            .Where(id => !OffersHardwareProfile(id))
            .Select(id => new PlanHardwareProfileOffering(id)));
    }

    public bool OffersTemplate(Guid templateId) => _templateOfferings.Exists(o => o.TemplateId == templateId);

    public bool OffersHardwareProfile(Guid hardwareProfileId) =>
        _hardwareProfileOfferings.Exists(o => o.HardwareProfileId == hardwareProfileId);

    public void Publish() => State = OfferingStates.Publish(State, Describe());

    public void MakePrivate() => State = OfferingStates.MakePrivate(State, Describe());

    /// <summary>Stops new subscriptions; existing subscriptions keep working.</summary>
    public void Decommission() => State = OfferingStates.Decommission(State, Describe());

    /// <summary>Undoes a decommission; the plan returns as Private and must be published again.</summary>
    public void Reopen() => State = OfferingStates.Reopen(State, Describe());

    /// <summary>Tenants may subscribe only to Public plans, admins to Private or Public; nobody to Decommissioned.</summary>
    public Eligibility CanSubscribe(bool isAdminAction) => OfferingStates.CanUse(State, isAdminAction, Describe());

    /// <summary>True when no code is required, or <paramref name="code"/> matches it exactly.</summary>
    public bool AcceptsInvitation(string? code)
    {
        if (InvitationCode is null)
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return false;
        }

        // Hashing first gives equal-length inputs, so the comparison leaks neither content nor length.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(InvitationCode));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim()));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>A new Private plan with the same settings and offerings, e.g. to start a variant.</summary>
    public Plan CloneAs(string newName, DateTimeOffset now)
    {
        var clone = Create(newName, Description, Quota, AllowShieldedVms, InvitationCode, MaxSubscriptionsPerTenant, now);
        clone.SetOfferings(OfferedTemplateIds, OfferedHardwareProfileIds);
        return clone;
    }

    private string Describe() => $"Plan '{Name}'";

    private static List<Guid> DistinctIds(IEnumerable<Guid> ids, string field)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct().ToList();
        if (distinct.Contains(Guid.Empty))
        {
            throw DomainValidationException.For(field, "An empty identifier cannot be offered.");
        }

        return distinct;
    }
}
