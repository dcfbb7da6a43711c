using Portal.Core.ApiTokens;

namespace Portal.Web.Features.ApiTokens;

/// <summary>An API token with what its principal is built from: the user's name, display name, tenant and roles.</summary>
internal sealed record TokenHolder(
    ApiToken Token, string UserName, string DisplayName, Guid? TenantId, IReadOnlyList<string> Roles);
