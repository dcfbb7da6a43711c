using Portal.Core.Fabric;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Plans;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Guardians;
using Portal.Core.ShieldingData;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// Every free-text field a tenant, a provider admin or a host agent sets that a page shows back, each holding the longest
/// run of payloads its rules accept (the id names the field). Fields whose alphabet refuses these characters (a host's
/// name, a template's disk file name, an email address) are checked for that refusal instead.
/// </summary>
public static class HostileFields
{
    // The tenant, at sign-up and afterwards.
    public static readonly string Organization = XssPayloads.Fitting("tenant", TenantAccount.NameMaxLength);
    public static readonly string UserDisplayName = XssPayloads.Fitting("user", 100);
    public static readonly string SubscriptionName = XssPayloads.Fitting("subscription", Subscription.DisplayNameMaxLength);
    public static readonly string ApiTokenName = XssPayloads.Fitting("token", 100);
    public static readonly string ShieldingDataName = XssPayloads.Fitting("pdk", StoredShieldingData.FriendlyNameMaxLength);
    public static readonly string ShieldingDataDescription = XssPayloads.Fitting("pdk-desc", StoredShieldingData.DescriptionMaxLength);
    public static readonly string FailedVmName = XssPayloads.Fitting("vm1", VirtualMachine.NameMaxLength);
    public static readonly string RunningVmName = XssPayloads.Svg("vm2");

    // Read from the files the tenant made with the command-line tool and uploaded.
    public static readonly string OwnerGuardianName = XssPayloads.Fitting("owner", GuardianPublicKeys.NameMaxLength);

    // The provider admin's offer.
    public static readonly string PlanName = XssPayloads.Fitting("plan", Plan.NameMaxLength);
    public static readonly string PlanDescription = XssPayloads.Fitting("plan-desc", Plan.DescriptionMaxLength);
    public static readonly string InvitationCode = XssPayloads.Fitting("invite", Plan.InvitationCodeMaxLength);
    public static readonly string AddOnName = XssPayloads.Fitting("addon", AddOn.NameMaxLength);
    public static readonly string TemplateName = XssPayloads.Fitting("template", VmTemplate.NameMaxLength);
    public static readonly string TemplateDescription = XssPayloads.Fitting("template-desc", VmTemplate.DescriptionMaxLength);
    public static readonly string TemplateOsVersion = XssPayloads.Fitting("os", VmTemplate.OsVersionMaxLength);
    public static readonly string SizeName = XssPayloads.Fitting("size", HardwareProfile.NameMaxLength);

    // No page shows these two today (the API does); they carry payloads for the page that will.
    public static readonly string SizeDescription = XssPayloads.Fitting("size-desc", HardwareProfile.DescriptionMaxLength);
    public static readonly string AddOnDescription = XssPayloads.Fitting("addon-desc", AddOn.DescriptionMaxLength);

    // Read from the files the provider made with the command-line tool.
    public static readonly string CatalogName = XssPayloads.Fitting("vsc", VolumeSignatureCatalog.NameMaxLength);
    public static readonly string FabricGuardianName = XssPayloads.Fitting("fabric-guardian", GuardianPublicKeys.NameMaxLength);

    // What host agents report about themselves and their jobs.
    public static readonly string AgentVersion = XssPayloads.Fitting("agent", GuardedHost.AgentVersionMaxLength);
    public static readonly string Hypervisor = XssPayloads.Fitting("hypervisor", GuardedHost.HypervisorMaxLength);
    public static readonly string Acceleration = XssPayloads.Fitting("acceleration", GuardedHost.AccelerationMaxLength);
    public static readonly string Tpm = XssPayloads.Fitting("tpm", GuardedHost.TpmMaxLength);
    public static readonly string AttestationReason = XssPayloads.Fitting("reason", GuardedHost.ReasonMaxLength);
    public static readonly string StepMessage = XssPayloads.Fitting("step", JobStep.MessageMaxLength);
    public static readonly string ErrorMessage = XssPayloads.Fitting("error", JobStep.MessageMaxLength);
}
