using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Attestation;

namespace Portal.Web.Features.Fabric;

/// <summary>Badge colours for attestation; the colour is never the only signal (the status is written in the badge).</summary>
public static class FabricBadges
{
    public static BadgeColor For(AttestationStatus status) => status switch
    {
        AttestationStatus.Passed => BadgeColor.Success,
        AttestationStatus.InsecureHostConfiguration or AttestationStatus.UnauthorizedHost or AttestationStatus.TpmError => BadgeColor.Danger,
        AttestationStatus.Expired or AttestationStatus.TransientError => BadgeColor.Warning,
        AttestationStatus.NotConfigured => BadgeColor.Subtle,
    };
}
