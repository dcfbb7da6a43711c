using Portal.Core.ApiTokens;
using Portal.Web.Infrastructure.Credentials;

namespace Portal.Web.Features.ApiTokens;

/// <summary>An API token with what its principal is built from: the user's name, display name, tenant and roles.</summary>
internal sealed record TokenHolder(
    ApiToken Token, string UserName, string DisplayName, Guid? TenantId, IReadOnlyList<string> Roles) : ICredentialHolder
{
    public Guid OwnerId => Token.UserId;
}
