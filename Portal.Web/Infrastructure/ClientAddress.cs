using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Web.Infrastructure;

/// <summary>
/// The address a person's browser connects from, for audit records. An interactive page runs in a circuit, long after
/// the HTTP request that started it, so the address is captured when the circuit's connection comes up.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor http)
{
    private string? _captured;

    public string? Value => _captured ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    internal void Capture(string? address) => _captured = address ?? _captured;
}

internal sealed class ClientAddressCircuitHandler(ClientAddress address, IHttpContextAccessor http) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        address.Capture(http.HttpContext?.Connection.RemoteIpAddress?.ToString());
        return Task.CompletedTask;
    }
}
