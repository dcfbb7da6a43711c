using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Gallery;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;

namespace Portal.Web.Tests.Components;

public sealed class PlanEditorFormTests : BunitContext
{
    private static readonly TemplateDto Signed = new(Guid.NewGuid(), "Windows Server 2025", "", OsFamily.Windows, "2025", 2,
        "ws2025.vhdx", 40, null, new VscDto("WS2025", "1.0.0.0", "CN=P", new string('A', 64)), true, true, DateTimeOffset.UnixEpoch);

    private static readonly TemplateDto Plain = Signed with
    {
        Id = Guid.NewGuid(), Name = "Ubuntu 24.04", Vsc = null, IsShieldingCapable = false,
    };

    private static readonly HardwareProfileDto Small = new(Guid.NewGuid(), "Small", "", 2, 4, 40);

    private PlanRequest? _saved;

    public PlanEditorFormTests()
    {
        AddAuthorization();
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new RendererInfo("Server", true));
    }

    [Fact]
    public void ShieldingCapableTemplate_ShowsAShieldIcon()
    {
        var form = RenderForm();

        Assert.Single(form.FindAll($"[data-shield='{Signed.Id}']"));
        Assert.Empty(form.FindAll($"[data-shield='{Plain.Id}']"));
    }

    [Fact]
    public async Task TypingAShortInvitationCode_ShowsTheProblemAtOnce()
    {
        var form = RenderForm();

        await SetTextAsync(form, "invitation-code", "ab");

        Assert.Contains("at least 4 characters", form.Markup);
    }

    [Fact]
    public async Task Save_WithoutName_SaysWhatIsMissingAndSavesNothing()
    {
        var form = RenderForm();

        await ClickSaveAsync(form);

        Assert.Contains("Give the plan a name.", form.Markup);
        Assert.Null(_saved);
    }

    [Fact]
    public async Task Save_SendsQuotasWithUnlimitedAsNullAndTheChosenOfferings()
    {
        var form = RenderForm();
        await SetTextAsync(form, "plan-name", "Gold");
        await SetNumberAsync(form, "quota-MaxVms", 5);
        await SetSwitchAsync(form, "unlimited-MaxVcpus", true);
        await SetSwitchAsync(form, "allow-shielded", true);
        await SetCheckboxAsync(form, $"template-{Signed.Id}", true);
        await SetCheckboxAsync(form, $"size-{Small.Id}", true);

        await ClickSaveAsync(form);

        Assert.NotNull(_saved);
        Assert.Equal("Gold", _saved.Name);
        Assert.Equal(new QuotaDto(5, null, 64, 1000), _saved.Quota);
        Assert.True(_saved.AllowShieldedVms);
        Assert.Equal([Signed.Id], _saved.TemplateIds);
        Assert.Equal([Small.Id], _saved.HardwareProfileIds);
        Assert.Null(_saved.MaxSubscriptionsPerTenant);
    }

    [Fact]
    public async Task NegativeQuota_IsRefusedInWords()
    {
        var form = RenderForm();
        await SetTextAsync(form, "plan-name", "Gold");

        await SetNumberAsync(form, "quota-MaxMemoryGiB", -1);
        await ClickSaveAsync(form);

        Assert.Contains("or switch on Unlimited", form.Markup);
        Assert.Null(_saved);
    }

    [Fact]
    public void ServerError_IsShownOnItsField()
    {
        var form = Render<PlanEditorForm>(p => p
            .Add(f => f.Templates, [Signed, Plain])
            .Add(f => f.Sizes, [Small])
            .Add(f => f.ServerErrors, new Dictionary<string, string[]> { ["Name"] = ["A plan with this name already exists."] }));

        Assert.Contains("A plan with this name already exists.", form.Markup);
    }

    [Fact]
    public void EditingAPlan_StartsFromItsValues()
    {
        var form = Render<PlanEditorForm>(p => p
            .Add(f => f.Initial, new PlanRequest("Silver", null, new QuotaDto(null, 8, null, null), true, "CODE-1", 2, [Plain.Id], []))
            .Add(f => f.Templates, [Signed, Plain])
            .Add(f => f.Sizes, [Small]));

        Assert.Equal("Silver", Input<FluentTextInput>(form, "plan-name").Instance.Value);
        Assert.True(Input<FluentSwitch>(form, "unlimited-MaxVms").Instance.Value);
        Assert.Equal(8, Input<NumberField>(form, "quota-MaxVcpus").Instance.Value);
        Assert.True(Input<FluentCheckbox>(form, $"template-{Plain.Id}").Instance.Value);
        Assert.False(Input<FluentSwitch>(form, "unlimited-subscriptions").Instance.Value);
    }

    private IRenderedComponent<PlanEditorForm> RenderForm() => Render<PlanEditorForm>(p => p
        .Add(f => f.Templates, [Signed, Plain])
        .Add(f => f.Sizes, [Small])
        .Add(f => f.OnSave, (PlanRequest request) => _saved = request));

    // Fluent v5 inputs are web components; drive them through their bound parameters, as the browser's events do.
    private static IRenderedComponent<T> Input<T>(IRenderedComponent<PlanEditorForm> form, string id)
        where T : IComponent =>
        form.FindComponents<T>().Single(c => Equals(c.Instance.GetType().GetProperty("Id")?.GetValue(c.Instance), id));

    private static Task SetTextAsync(IRenderedComponent<PlanEditorForm> form, string id, string value) =>
        form.InvokeAsync(() => Input<FluentTextInput>(form, id).Instance.ValueChanged.InvokeAsync(value));

    private static Task SetNumberAsync(IRenderedComponent<PlanEditorForm> form, string id, int value) =>
        form.InvokeAsync(() => Input<NumberField>(form, id).Instance.ValueChanged.InvokeAsync(value));

    private static Task SetSwitchAsync(IRenderedComponent<PlanEditorForm> form, string id, bool value) =>
        form.InvokeAsync(() => Input<FluentSwitch>(form, id).Instance.ValueChanged.InvokeAsync(value));

    private static Task SetCheckboxAsync(IRenderedComponent<PlanEditorForm> form, string id, bool value) =>
        form.InvokeAsync(() => Input<FluentCheckbox>(form, id).Instance.ValueChanged.InvokeAsync(value));

    private static Task ClickSaveAsync(IRenderedComponent<PlanEditorForm> form) =>
        form.InvokeAsync(() => form.FindComponents<FluentButton>().Single(b => b.Instance.Id == "save-plan").Instance.OnClick.InvokeAsync());
}
