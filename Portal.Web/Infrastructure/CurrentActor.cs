using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Auditing;

namespace Portal.Web.Infrastructure;

/// <summary>Who is acting on an interactive page, and from where: the actor of the audit records it writes.</summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication, ClientAddress address)
{
    public async Task<AuditActor> GetAsync() =>
        (await authentication.GetAuthenticationStateAsync()).User.ToAuditActor(address.Value);
}
