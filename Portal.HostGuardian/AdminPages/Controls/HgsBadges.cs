using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Attestation;

namespace Portal.HostGuardian.AdminPages.Controls;

/// <summary>Badge colours for attestation; the status is always written in the badge too, never the colour alone.</summary>
public static class HgsBadges
{
    public static BadgeColor For(AttestationStatus? status) => status is { } known ? For(known) : BadgeColor.Subtle;

    public static BadgeColor For(AttestationStatus status) => status switch
    {
        AttestationStatus.Passed => BadgeColor.Success,
        AttestationStatus.InsecureHostConfiguration or AttestationStatus.UnauthorizedHost or AttestationStatus.TpmError => BadgeColor.Danger,
        AttestationStatus.Expired or AttestationStatus.TransientError => BadgeColor.Warning,
        AttestationStatus.NotConfigured => BadgeColor.Subtle,
    };

    public static string Text(AttestationStatus? status) => status?.ToString() ?? "Never attested";
}
