using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Attestation;
using Portal.Web.Features.Fabric;

namespace Portal.Web.Tests.Fabric;

public sealed class FabricComponentTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public FabricComponentTests()
    {
        Services.AddFluentUIComponents();
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public void Badge_FailedHost_ShowsStatusSubStatusReasonAndSince()
    {
        var badge = Render<HostHealthBadge>(p => p.Add(b => b.Attestation, new HostAttestationDto(
            AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot | AttestationSubStatus.Iommu,
            "Secure Boot is off: the boot measurements match no allowed TPM baseline.", Now.AddMinutes(-3), null)));

        Assert.Equal("InsecureHostConfiguration", badge.Find("[data-testid=host-health]").GetAttribute("data-status"));
        Assert.Contains("InsecureHostConfiguration", badge.Find("fluent-badge").TextContent);
        Assert.Equal("SecureBoot, Iommu", badge.Find("[data-testid=host-sub-status]").TextContent);
        Assert.Contains("Secure Boot is off", badge.Find("[data-testid=host-reason]").TextContent);
        Assert.Equal("since 3 min ago", badge.Find(".since").TextContent);
    }

    [Fact]
    public void Badge_Passed_IsGreen_AndShowsTheCertificatesExpiry_NotAReason()
    {
        var badge = Render<HostHealthBadge>(p => p.Add(b => b.Attestation, new HostAttestationDto(
            AttestationStatus.Passed, AttestationSubStatus.None, "Passed (TpmTrusted)", Now.AddHours(-1), Now.AddMinutes(30))));

        Assert.Contains("Passed", badge.Find("fluent-badge").TextContent);
        Assert.Contains("12:30", badge.Find(".detail").TextContent);
        Assert.Empty(badge.FindAll("[data-testid=host-reason]"));
        Assert.Empty(badge.FindAll("[data-testid=host-sub-status]"));
    }

    [Theory]
    [InlineData(AttestationStatus.Passed, BadgeColor.Success)]
    [InlineData(AttestationStatus.InsecureHostConfiguration, BadgeColor.Danger)]
    [InlineData(AttestationStatus.UnauthorizedHost, BadgeColor.Danger)]
    [InlineData(AttestationStatus.TpmError, BadgeColor.Danger)]
    [InlineData(AttestationStatus.Expired, BadgeColor.Warning)]
    [InlineData(AttestationStatus.TransientError, BadgeColor.Warning)]
    [InlineData(AttestationStatus.NotConfigured, BadgeColor.Subtle)]
    public void Badge_ColourFollowsTheStatus(AttestationStatus status, BadgeColor color) =>
        Assert.Equal(color, FabricBadges.For(status));

    [Fact]
    public void Badge_NoSubStatus_ShowsNone()
    {
        var badge = Render<HostHealthBadge>(p => p.Add(b => b.Attestation, new HostAttestationDto(
            AttestationStatus.TransientError, AttestationSubStatus.None, "HGS cannot be reached.", Now, null)));

        Assert.Empty(badge.FindAll("[data-testid=host-sub-status]"));
        Assert.Equal("since 0 s ago", badge.Find(".since").TextContent);
    }

    [Fact]
    public void CapacityBar_ShowsUseOfCapacity_AndWarnsWhenNearlyFull()
    {
        var half = Render<CapacityBar>(p => p.Add(b => b.Name, "Memory").Add(b => b.Unit, "GiB").Add(b => b.Used, 32).Add(b => b.Total, 64));
        var full = Render<CapacityBar>(p => p.Add(b => b.Name, "vCPUs").Add(b => b.Used, 15).Add(b => b.Total, 16));
        var empty = Render<CapacityBar>(p => p.Add(b => b.Name, "Storage").Add(b => b.Used, 0).Add(b => b.Total, 0));

        Assert.Equal("32 / 64 GiB", half.Find(".numbers").TextContent.Trim());
        Assert.Equal("50", half.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
        Assert.Contains("high", full.Find(".fill").ClassList);
        Assert.Equal("0", empty.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
    }

    [Theory]
    [InlineData(12, "12 s ago")]
    [InlineData(125, "2 min ago")]
    [InlineData(3 * 3600 + 5, "3 h ago")]
    [InlineData(-4, "0 s ago")]
    public void RelativeTime_ReadsLikeAPersonWouldSayIt(int secondsAgo, string expected) =>
        Assert.Equal(expected, RelativeTime.Ago(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void RelativeTime_Never() => Assert.Equal("never", RelativeTime.Ago(null, Now));
}
