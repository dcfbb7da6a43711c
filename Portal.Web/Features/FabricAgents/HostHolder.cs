using Portal.Web.Infrastructure.Credentials;

namespace Portal.Web.Features.FabricAgents;

/// <summary>A guarded host that may authenticate (it is not removed from the fabric), as its principal names it.</summary>
internal sealed record HostHolder(Guid Id, string Name) : ICredentialHolder
{
    public Guid OwnerId => Id;
}
