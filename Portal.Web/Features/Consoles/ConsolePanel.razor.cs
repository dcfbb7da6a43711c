using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;
using Portal.Core.Common;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Consoles;

public enum ConsoleState
{
    Connecting,
    Connected,
    Closed,
}

/// <summary>
/// A VM's serial console in an xterm.js terminal: checks on the server whether it may be opened (and says why not), then
/// its JavaScript module opens the WebSocket and wires the terminal both ways. The badge shows connecting, connected, or
/// closed with the reason the portal or the host gave.
/// </summary>
public sealed partial class ConsolePanel : IAsyncDisposable
{
    private ElementReference _terminal;
    private IJSObjectReference? _module;
    private IJSObjectReference? _connection;
    private DotNetObjectReference<ConsolePanel>? _self;
    private ConsoleState _state = ConsoleState.Connecting;
    private string? _reason;

    [Parameter, EditorRequired]
    public Guid VmId { get; set; }

    [Parameter, EditorRequired]
    public string VmName { get; set; } = "";

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    [Inject]
    private ConsoleAccess Access { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive)
        {
            return;
        }

        var tenantId = (await AuthenticationState.GetAuthenticationStateAsync()).User.GetRequiredTenantId();
        try
        {
            await Access.CheckAsync(tenantId, VmId, await CurrentActor.GetAsync(), forbidden: null, CancellationToken.None);
        }
        catch (Exception e) when (e is StateConflictException or NotFoundException)
        {
            SetState(ConsoleState.Closed, e.Message);
            return;
        }

        _self = DotNetObjectReference.Create(this);
        _module = await Js.InvokeAsync<IJSObjectReference>("import", "./Features/Consoles/ConsolePanel.razor.js");
        _connection = await _module.InvokeAsync<IJSObjectReference>("open", _terminal, VmId.ToString(), _self);
    }

    /// <summary>Called by the module as the WebSocket connects and closes.</summary>
    [JSInvokable]
    public Task OnStateAsync(string state, string? reason) => InvokeAsync(() =>
    {
        SetState(Enum.TryParse<ConsoleState>(state, ignoreCase: true, out var parsed) ? parsed : ConsoleState.Closed, reason);
        StateHasChanged();
    });

    private void SetState(ConsoleState state, string? reason)
    {
        _state = state;
        _reason = reason;
    }

    private async Task CloseAsync()
    {
        if (_connection is not null)
        {
            await _connection.InvokeVoidAsync("close");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection is not null)
            {
                await _connection.InvokeVoidAsync("dispose");
                await _connection.DisposeAsync();
            }

            if (_module is not null)
            {
                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the page's WebSocket with it.
        }

        _self?.Dispose();
    }

    private static BadgeColor BadgeColorFor(ConsoleState state) => state switch
    {
        ConsoleState.Connecting => BadgeColor.Informative,
        ConsoleState.Connected => BadgeColor.Success,
        ConsoleState.Closed => BadgeColor.Subtle,
    };

    private static string StateWords(ConsoleState state) => state switch
    {
        ConsoleState.Connecting => "Connecting",
        ConsoleState.Connected => "Connected",
        ConsoleState.Closed => "Closed",
    };
}
