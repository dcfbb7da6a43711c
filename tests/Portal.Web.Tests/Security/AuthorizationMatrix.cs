namespace Portal.Web.Tests.Security;

/// <summary>
/// Every API endpoint the portal maps, keyed "METHOD pattern" as routing reports it ("*" where any method matches), with
/// who may call it. A new endpoint fails <see cref="AuthorizationMatrixTests"/> until it is classified here.
/// </summary>
public static class AuthorizationMatrix
{
    public static readonly IReadOnlyDictionary<string, Access> Expected = new Dictionary<string, Access>
    {
        // Operations and API descriptions.
        ["* /healthz"] = Access.Public,
        ["* /healthz/live"] = Access.Public,
        ["* /healthz/ready"] = Access.Public,
        ["GET /openapi/{documentName}.json"] = Access.Public,
        ["GET /openapi/v1.json"] = Access.Public,
        ["GET /api/reference/{documentName?}"] = Access.Public,
        ["GET /api/reference/favicon.svg"] = Access.Public,
        ["GET /api/reference/scalar.aspnetcore.js"] = Access.Public,
        ["GET /api/reference/scalar.js"] = Access.Public,

        // Account: credentials travel in the body (or the antiforgery-checked form), never in the caller's token.
        ["POST /api/v1/auth/token"] = Access.Public,
        ["POST /account/sign-out"] = Access.Public,

        // API tokens: every signed-in user has their own.
        ["GET /api/v1/tokens/"] = Access.AnyUser,
        ["POST /api/v1/tokens/"] = Access.AnyUser,
        ["GET /api/v1/tokens/{id}"] = Access.OwnedByUserA,
        ["DELETE /api/v1/tokens/{id}"] = Access.OwnedByUserA,

        // The tenant's offer and subscriptions.
        ["GET /api/v1/plans/"] = Access.AnyTenant,
        ["GET /api/v1/subscriptions/"] = Access.AnyTenant,
        ["POST /api/v1/subscriptions/"] = Access.AnyTenant,
        ["GET /api/v1/subscriptions/{id}"] = Access.OwnedByTenantA,
        ["POST /api/v1/subscriptions/{id}/addons"] = Access.OwnedByTenantA,

        // Shielding data, the fabric's guardian and template catalogs (public keys and signed catalogs, no secrets).
        ["GET /api/v1/shielding-data/"] = Access.AnyTenant,
        ["POST /api/v1/shielding-data/"] = Access.AnyTenant,
        ["GET /api/v1/shielding-data/{id}"] = Access.OwnedByTenantA,
        ["DELETE /api/v1/shielding-data/{id}"] = Access.OwnedByTenantA,
        ["GET /api/v1/fabric/guardian"] = Access.AnyTenant,
        ["GET /api/v1/templates/{id}/vsc"] = Access.AnyTenant,

        // Virtual machines, their jobs and consoles.
        ["GET /api/v1/vms"] = Access.AnyTenant,
        ["POST /api/v1/vms"] = Access.OwnedByTenantA,
        ["GET /api/v1/subscriptions/{id}/vms"] = Access.OwnedByTenantA,
        ["POST /api/v1/subscriptions/{id}/vms"] = Access.OwnedByTenantA,
        ["GET /api/v1/vms/{id}"] = Access.OwnedByTenantA,
        ["DELETE /api/v1/vms/{id}"] = Access.OwnedByTenantA,
        ["POST /api/v1/vms/{id}/start"] = Access.OwnedByTenantA,
        ["POST /api/v1/vms/{id}/shutdown"] = Access.OwnedByTenantA,
        ["POST /api/v1/vms/{id}/turnoff"] = Access.OwnedByTenantA,
        ["POST /api/v1/vms/{id}/restart"] = Access.OwnedByTenantA,
        ["GET /api/v1/vms/{id}/jobs"] = Access.OwnedByTenantA,
        ["GET /api/v1/vms/{id}/console"] = Access.OwnedByTenantA,
        ["HEAD /api/v1/vms/{id}/console"] = Access.OwnedByTenantA,
        ["GET /api/v1/jobs/"] = Access.AnyTenant,
        ["GET /api/v1/jobs/{id}"] = Access.OwnedByTenantA,
        ["GET /api/v1/activity"] = Access.AnyTenant,

        // The provider's API.
        ["GET /api/admin/v1/plans/"] = Access.Provider,
        ["POST /api/admin/v1/plans/"] = Access.Provider,
        ["GET /api/admin/v1/plans/{id}"] = Access.Provider,
        ["PUT /api/admin/v1/plans/{id}"] = Access.Provider,
        ["DELETE /api/admin/v1/plans/{id}"] = Access.Provider,
        ["POST /api/admin/v1/plans/{id}/clone"] = Access.Provider,
        ["POST /api/admin/v1/plans/{id}/publish"] = Access.Provider,
        ["POST /api/admin/v1/plans/{id}/make-private"] = Access.Provider,
        ["POST /api/admin/v1/plans/{id}/decommission"] = Access.Provider,
        ["POST /api/admin/v1/plans/{id}/reopen"] = Access.Provider,
        ["GET /api/admin/v1/addons/"] = Access.Provider,
        ["POST /api/admin/v1/addons/"] = Access.Provider,
        ["GET /api/admin/v1/addons/{id}"] = Access.Provider,
        ["PUT /api/admin/v1/addons/{id}"] = Access.Provider,
        ["DELETE /api/admin/v1/addons/{id}"] = Access.Provider,
        ["POST /api/admin/v1/addons/{id}/publish"] = Access.Provider,
        ["POST /api/admin/v1/addons/{id}/make-private"] = Access.Provider,
        ["POST /api/admin/v1/addons/{id}/decommission"] = Access.Provider,
        ["GET /api/admin/v1/templates/"] = Access.Provider,
        ["POST /api/admin/v1/templates/"] = Access.Provider,
        ["GET /api/admin/v1/templates/{id}"] = Access.Provider,
        ["PUT /api/admin/v1/templates/{id}"] = Access.Provider,
        ["DELETE /api/admin/v1/templates/{id}"] = Access.Provider,
        ["POST /api/admin/v1/templates/{id}/retire"] = Access.Provider,
        ["POST /api/admin/v1/templates/{id}/reactivate"] = Access.Provider,
        ["PUT /api/admin/v1/templates/{id}/disk"] = Access.Provider,
        ["POST /api/admin/v1/templates/{id}/vsc"] = Access.Provider,
        ["DELETE /api/admin/v1/templates/{id}/vsc"] = Access.Provider,
        ["GET /api/admin/v1/hardware-profiles/"] = Access.Provider,
        ["POST /api/admin/v1/hardware-profiles/"] = Access.Provider,
        ["GET /api/admin/v1/hardware-profiles/{id}"] = Access.Provider,
        ["PUT /api/admin/v1/hardware-profiles/{id}"] = Access.Provider,
        ["DELETE /api/admin/v1/hardware-profiles/{id}"] = Access.Provider,
        ["GET /api/admin/v1/tenants/"] = Access.Provider,
        ["GET /api/admin/v1/tenants/{id}"] = Access.Provider,
        ["POST /api/admin/v1/tenants/{id}/suspend"] = Access.Provider,
        ["POST /api/admin/v1/tenants/{id}/resume"] = Access.Provider,
        ["DELETE /api/admin/v1/tenants/{id}"] = Access.Provider,
        ["POST /api/admin/v1/tenants/{id}/users/{userId}/unlock"] = Access.Provider,
        ["GET /api/admin/v1/subscriptions/"] = Access.Provider,
        ["POST /api/admin/v1/subscriptions/"] = Access.Provider,
        ["GET /api/admin/v1/subscriptions/{id}"] = Access.Provider,
        ["POST /api/admin/v1/subscriptions/{id}/addons"] = Access.Provider,
        ["POST /api/admin/v1/subscriptions/{id}/suspend"] = Access.Provider,
        ["POST /api/admin/v1/subscriptions/{id}/resume"] = Access.Provider,
        ["POST /api/admin/v1/subscriptions/{id}/cancel"] = Access.Provider,
        ["GET /api/admin/v1/vms/"] = Access.Provider,
        ["GET /api/admin/v1/jobs/"] = Access.Provider,
        ["GET /api/admin/v1/jobs/{id}"] = Access.Provider,
        ["POST /api/admin/v1/jobs/{id}/restart"] = Access.Provider,
        ["POST /api/admin/v1/jobs/{id}/cancel"] = Access.Provider,
        ["GET /api/admin/v1/fabric/hosts"] = Access.Provider,
        ["GET /api/admin/v1/fabric/hosts/{id}"] = Access.Provider,
        ["POST /api/admin/v1/fabric/hosts/{id}/drain"] = Access.Provider,
        ["POST /api/admin/v1/fabric/hosts/{id}/maintenance"] = Access.Provider,
        ["POST /api/admin/v1/fabric/hosts/{id}/resume"] = Access.Provider,
        ["DELETE /api/admin/v1/fabric/hosts/{id}"] = Access.Provider,
        ["POST /api/admin/v1/fabric/join-tokens"] = Access.Provider,
        ["GET /api/admin/v1/fabric/join-tokens/{id}"] = Access.Provider,
        ["GET /api/admin/v1/audit"] = Access.Provider,
        ["GET /api/admin/v1/audit/chain"] = Access.Provider,
        ["GET /api/admin/v1/audit/verification"] = Access.Provider,

        // The agent protocol. Joining is anonymous: the one-time join token is in the body.
        ["POST /api/fabric/v1/join"] = Access.Public,
        ["POST /api/fabric/v1/heartbeat"] = Access.Host,
        ["POST /api/fabric/v1/jobs/claim"] = Access.Host,
        ["POST /api/fabric/v1/jobs/{id}/steps"] = Access.Host,
        ["POST /api/fabric/v1/jobs/{id}/lease"] = Access.Host,
        ["POST /api/fabric/v1/jobs/{id}/key-protector"] = Access.Host,
        ["GET /api/fabric/v1/jobs/{id}/shielding-data"] = Access.Host,
        ["POST /api/fabric/v1/jobs/{id}/complete"] = Access.Host,
        ["GET /api/fabric/v1/consoles/next"] = Access.Host,
        ["GET /api/fabric/v1/consoles/{sessionId}"] = Access.Host,
        ["GET /api/fabric/v1/template-disks/{sha384}"] = Access.Host,
    };

    /// <summary>
    /// What the portal maps besides when HGS runs in its process (the embedded default). HGS is its own trust domain:
    /// attestation and its public keys are anonymous, key release is authorised by the health certificate in the body, and
    /// its admin API by HGS's admin key alone, which no portal identity holds.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Access> ExpectedWithInProcessHgs = new Dictionary<string, Access>
    {
        ["GET /hgs/openapi/{documentName:regex(^hgs$)}.json"] = Access.Public,
        ["GET /hgs/v1/guardian"] = Access.Public,
        ["GET /hgs/v1/attestation-signer"] = Access.Public,
        ["POST /hgs/v1/attest/challenge"] = Access.Public,
        ["POST /hgs/v1/attest"] = Access.Public,
        ["POST /hgs/v1/attest/activation"] = Access.Public,
        // Anonymous too, but no activation was begun: the answer is the handler's 404, the same for everyone.
        ["POST /hgs/v1/attest/activation/{id}"] = new("public, activation unknown",
            Outcome.NotFound, Outcome.NotFound, Outcome.NotFound, Outcome.NotFound, Outcome.NotFound),
        ["POST /hgs/v1/keys/release"] = Access.Public,

        ["GET /hgs/v1/admin/hosts"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/hosts"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/hosts/{id:guid}"] = Access.HgsAdminKey,
        ["DELETE /hgs/v1/admin/hosts/{id:guid}"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/hosts/{id:guid}/baseline-capture"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/baselines"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/baselines"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/baselines/captured"] = Access.HgsAdminKey,
        ["DELETE /hgs/v1/admin/baselines/{id:guid}"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/ci-policies"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/ci-policies"] = Access.HgsAdminKey,
        ["DELETE /hgs/v1/admin/ci-policies/{id:guid}"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/host-groups"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/host-groups"] = Access.HgsAdminKey,
        ["DELETE /hgs/v1/admin/host-groups/{name}"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/attestations"] = Access.HgsAdminKey,
        ["POST /hgs/v1/admin/certificates/{serial:guid}/revoke"] = Access.HgsAdminKey,
        ["GET /hgs/v1/admin/audit"] = Access.HgsAdminKey,
    };
}
