using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Quotas;
using Portal.Web.Components.Controls;

namespace Portal.Web.Tests.Components;

public sealed class QuotaBarTests : BunitContext
{
    public QuotaBarTests()
    {
        AddAuthorization();
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public void Limited_ShowsUsedOfLimitAndPercentage()
    {
        var bar = Render<QuotaBar>(p => p.Add(b => b.Usage, new QuotaUsage(QuotaDimension.Vcpus, 3, 10)));

        Assert.Contains("3 of 10 used (30%)", bar.Find(".numbers").TextContent);
        var track = bar.Find("[role=progressbar]");
        Assert.Equal("30", track.GetAttribute("aria-valuenow"));
        Assert.Contains("width: 30%", bar.Find(".fill").GetAttribute("style"));
        Assert.Contains("ok", bar.Find(".fill").ClassList);
    }

    [Fact]
    public void Unlimited_SaysUnlimitedAndHasNoProgress()
    {
        var bar = Render<QuotaBar>(p => p.Add(b => b.Usage, new QuotaUsage(QuotaDimension.MemoryGiB, 12, null)));

        Assert.Equal("12 used · unlimited", bar.Find(".numbers").TextContent);
        Assert.Empty(bar.FindAll("[role=progressbar]"));
        Assert.Equal("Memory (GiB)", bar.Find(".name").TextContent);
    }

    [Theory]
    [InlineData(7, "ok")]
    [InlineData(8, "warning")]
    [InlineData(10, "danger")]
    public void NearOrAtTheLimit_ChangesColour(int used, string level)
    {
        var bar = Render<QuotaBar>(p => p.Add(b => b.Usage, new QuotaUsage(QuotaDimension.Vms, used, 10)));

        Assert.Contains(level, bar.Find(".fill").ClassList);
    }

    [Fact]
    public void OverALoweredLimit_SaysSoAndFillsTheBar()
    {
        var bar = Render<QuotaBar>(p => p.Add(b => b.Usage, new QuotaUsage(QuotaDimension.StorageGiB, 150, 100)));

        Assert.Equal("150 of 100 used · over the limit", bar.Find(".numbers").TextContent);
        Assert.Contains("width: 100%", bar.Find(".fill").GetAttribute("style"));
    }
}
