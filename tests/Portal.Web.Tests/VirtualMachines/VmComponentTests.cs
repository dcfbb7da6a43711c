using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Web.Tests.VirtualMachines;

public sealed class VmComponentTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid TemplateId = Guid.NewGuid();

    public VmComponentTests()
    {
        Services.AddFluentUIComponents();
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public void StepList_RendersEveryStepState_AndTheFailureReasonOnTheFailedStep()
    {
        JobStepDto Step(JobStepKind kind, JobStepState state, string? message = null) =>
            new(kind, kind.Title(), state, state == JobStepState.Pending ? null : Now.AddSeconds(-30),
                state is JobStepState.Succeeded or JobStepState.Failed ? Now.AddSeconds(-20) : null, message);
        var kinds = Enum.GetValues<JobStepKind>();
        var steps = new[]
        {
            Step(kinds[0], JobStepState.Succeeded),
            Step(kinds[1], JobStepState.Skipped),
            Step(kinds[2], JobStepState.Failed),
            Step(kinds[3], JobStepState.Running),
            Step(kinds[4], JobStepState.Pending),
        };
        var error = new JobErrorDto(kinds[2], kinds[2].Title(), "attestation_failed", "The host failed attestation (SecureBoot).");

        var list = Render<JobStepList>(p => p.Add(c => c.Steps, steps).Add(c => c.Error, error));

        var items = list.FindAll("li.step");
        Assert.Equal(["Succeeded", "Skipped", "Failed", "Running", "Pending"], items.Select(i => i.GetAttribute("data-state")));
        Assert.Equal(["Succeeded · 10 s", "Skipped", "Failed · 10 s", "Running", "Pending"],
            items.Select(i => i.QuerySelector("[data-testid=step-state]")!.TextContent.Trim()));
        Assert.Single(list.FindComponents<FluentSpinner>());
        Assert.Equal("The host failed attestation (SecureBoot).", Assert.Single(list.FindAll("[data-testid=step-error]")).TextContent);
        Assert.Null(items[2].QuerySelector(".note"));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.QuerySelector(".title")!.TextContent)));
    }

    [Fact]
    public void StepList_FailedStepWithItsOwnMessage_ShowsThatMessage()
    {
        var kind = Enum.GetValues<JobStepKind>()[0];
        var list = Render<JobStepList>(p => p.Add(c => c.Steps, [new JobStepDto(kind, kind.Title(), JobStepState.Failed, Now, Now, "Disk hash does not match.")]));

        Assert.Equal("Disk hash does not match.", list.Find("[data-testid=step-error]").TextContent);
    }

    [Theory]
    [InlineData(VmState.Stopped, new[] { JobType.Start, JobType.Delete })]
    [InlineData(VmState.Running, new[] { JobType.ShutDown, JobType.TurnOff, JobType.Restart, JobType.Delete })]
    [InlineData(VmState.Failed, new[] { JobType.Delete })]
    [InlineData(VmState.Provisioning, new JobType[0])]
    public void ActionBar_EnablesWhatTheStateAllows(VmState state, JobType[] enabled)
    {
        var bar = Render<VmActionBar>(p => p.Add(c => c.Vm, Vm(state)));

        foreach (var type in VmOperations.DayTwo)
        {
            var button = bar.FindComponents<FluentButton>().Single(b => b.Instance.Id == $"vm-{VmActionBar.Slug(type)}");
            Assert.Equal(!enabled.Contains(type), button.Instance.Disabled);
        }
    }

    [Fact]
    public void ActionBar_WhileAJobIsUnfinished_DisablesEverything_AndSaysWhy()
    {
        var bar = Render<VmActionBar>(p => p.Add(c => c.Vm, Vm(VmState.Running) with
        {
            ActiveJob = new JobSummaryDto(Guid.NewGuid(), JobType.Restart, JobState.Running, 40, "Starting the VM", null),
        }));

        Assert.All(bar.FindComponents<FluentButton>(), b => Assert.True(b.Instance.Disabled));
        Assert.Contains("restart job has finished", bar.Find("[data-testid=actions-wait]").TextContent);
    }

    [Fact]
    public async Task ActionBar_Click_AsksForThatOperation()
    {
        JobType? asked = null;
        var bar = Render<VmActionBar>(p => p.Add(c => c.Vm, Vm(VmState.Stopped)).Add(c => c.OnRequest, (JobType t) => asked = t));

        await bar.InvokeAsync(() => bar.FindComponents<FluentButton>().Single(b => b.Instance.Id == "vm-start").Instance.OnClick.InvokeAsync());

        Assert.Equal(JobType.Start, asked);
    }

    [Fact]
    public void ShieldingDataChoice_ShowsIncompatibleFilesDisabled_WithTheReasonInWords()
    {
        var fits = File("Fits", trusts: true, thisFabric: true);
        var otherTemplate = File("Other template", trusts: false, thisFabric: true);
        var otherFabric = File("Other fabric", trusts: true, thisFabric: false);
        var neither = File("Neither", trusts: false, thisFabric: false);

        var choice = Render<ShieldingDataChoice>(p => p
            .Add(c => c.Files, [fits, otherTemplate, otherFabric, neither]).Add(c => c.TemplateId, TemplateId));

        Assert.Equal("true", Row(choice, fits).GetAttribute("data-compatible"));
        Assert.Empty(Row(choice, fits).QuerySelectorAll("[data-testid=incompatible-reason]"));
        Assert.Equal("This file does not trust this template.", Reason(choice, otherTemplate));
        Assert.Equal("This file does not list this fabric's guardian.", Reason(choice, otherFabric));
        Assert.Equal("This file does not trust this template and does not list this fabric's guardian.", Reason(choice, neither));
        var radios = choice.FindComponents<FluentRadio<Guid?>>();
        Assert.False(radios.Single(r => r.Instance.Value == fits.Id).Instance.Disabled);
        Assert.All(radios.Where(r => r.Instance.Value != fits.Id), r => Assert.True(r.Instance.Disabled));
        Assert.Empty(choice.FindAll("#no-fitting-shielding-data"));
    }

    [Fact]
    public void ShieldingDataChoice_WhenNothingFits_SaysSo()
    {
        var choice = Render<ShieldingDataChoice>(p => p
            .Add(c => c.Files, [File("Other fabric", trusts: true, thisFabric: false)]).Add(c => c.TemplateId, TemplateId));

        Assert.Contains("None of your files fits", choice.Find("#no-fitting-shielding-data").TextContent);
    }

    [Fact]
    public void JobProgress_ShowsTheWaitingReason_OrTheRunningStepAndBar()
    {
        var waiting = Render<JobProgress>(p => p.Add(c => c.Job,
            new JobSummaryDto(Guid.NewGuid(), JobType.Create, JobState.Queued, 0, null, "2 hosts failed attestation (SecureBoot)")));
        var running = Render<JobProgress>(p => p.Add(c => c.Job,
            new JobSummaryDto(Guid.NewGuid(), JobType.Start, JobState.Running, 60, "Starting the VM", null)));

        Assert.Contains("2 hosts failed attestation (SecureBoot)", waiting.Find("[data-testid=job-waiting]").TextContent);
        Assert.Empty(waiting.FindComponents<FluentProgressBar>());
        Assert.Equal(60, running.FindComponent<FluentProgressBar>().Instance.Value);
        Assert.Contains("Starting the VM", running.Find("[data-testid=job-step]").TextContent);
    }

    [Theory]
    [InlineData(VmState.Running, BadgeColor.Success)]
    [InlineData(VmState.Failed, BadgeColor.Danger)]
    [InlineData(VmState.Provisioning, BadgeColor.Informative)]
    public void StateBadge_ColourFollowsTheVmState(VmState state, BadgeColor color) => Assert.Equal(color, StateBadges.For(state));

    [Fact]
    public void PageActions_QuotaRefusal_SaysTheNumbers() =>
        Assert.Equal("Quota exceeded for vCPUs: limit 5, used 4, requested 2.",
            Portal.Web.Components.Controls.PageActions.Describe(new QuotaExceededException([new QuotaExceedance(QuotaDimension.Vcpus, 5, 4, 2)])));

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<ShieldingDataChoice> choice, ShieldingDataDto file) =>
        choice.Find($"[data-shielding-data='{file.Id}']");

    private static string Reason(IRenderedComponent<ShieldingDataChoice> choice, ShieldingDataDto file)
    {
        var row = Row(choice, file);
        Assert.Equal("false", row.GetAttribute("data-compatible"));
        return row.QuerySelector("[data-testid=incompatible-reason]")!.TextContent;
    }

    private static VmDto Vm(VmState state) => new(
        Guid.NewGuid(), Guid.NewGuid(), "web-1", TemplateId, "Windows Server 2025", Guid.NewGuid(), "Small", false, null, null,
        new ResourceAmount(1, 2, 4, 40), state, Now.AddHours(-1), Now.AddMinutes(-5), null);

    private static ShieldingDataDto File(string name, bool trusts, bool thisFabric)
    {
        var fabric = new ShieldingGuardianDto("This fabric", "AA", "BB", thisFabric);
        return new ShieldingDataDto(Guid.NewGuid(), name, "", ShieldingPolicy.Shielded, Guid.NewGuid(), Now,
            new ShieldingGuardianDto("Owner", "CC", "DD", false), [fabric], thisFabric, [],
            trusts ? [new TrustedTemplateDto(TemplateId, "Windows Server 2025")] : [new TrustedTemplateDto(Guid.NewGuid(), "Another")],
            1024, new string('0', 64), Now, "someone");
    }
}
