using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.KeyRelease;
using Portal.HostGuardian.Keys;

namespace Portal.HostGuardian;

/// <summary>HGS's host- and tenant-facing API under <c>/hgs/v1</c>: challenge, attest, key release, guardian metadata, signer.</summary>
public static class HgsEndpoints
{
    public static RouteGroupBuilder MapHgsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(HgsRoutes.Prefix).WithTags("HGS");
        group.MapPost("/attest/challenge", ChallengeAsync);
        group.MapPost("/attest", AttestAsync);
        group.MapPost("/keys/release", ReleaseAsync);
        group.MapGet("/guardian", GetGuardian);
        group.MapGet("/attestation-signer", GetSigner);
        return group;
    }

    private static async Task<Ok<AttestationChallenge>> ChallengeAsync(NonceStore nonces, CancellationToken cancellationToken) =>
        TypedResults.Ok(await nonces.IssueAsync(cancellationToken));

    private static async Task<Results<Ok<AttestationOutcome>, ProblemHttpResult>> AttestAsync(
        AttestationRequest request, AttestationService attestation, HttpContext context, CancellationToken cancellationToken)
    {
        if (AttestationService.Validate(request) is { } problem)
        {
            return TypedResults.Problem(title: "The attestation request is malformed.", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(await attestation.AttestAsync(request, context.Connection.RemoteIpAddress?.ToString(), cancellationToken));
    }

    private static async Task<Results<Ok<KeyReleaseResponse>, ProblemHttpResult>> ReleaseAsync(
        KeyReleaseRequest request, KeyReleaseService keyRelease, CancellationToken cancellationToken)
    {
        var result = await keyRelease.ReleaseAsync(request, cancellationToken);
        if (result.Released is { } released)
        {
            return TypedResults.Ok(released);
        }

        var refusal = result.Refusal ?? KeyReleaseRefusal.Unavailable;
        return TypedResults.Problem(
            title: "HGS refused to release the key.",
            detail: result.Reason,
            statusCode: StatusFor(refusal),
            extensions: new Dictionary<string, object?> { ["refusal"] = refusal.ToString() });
    }

    private static FileContentHttpResult GetGuardian(HgsKeys keys) =>
        TypedResults.File(GuardianMetadata.WriteUtf8(keys.FabricGuardian), "application/json", "fabric-guardian.json");

    private static Ok<AttestationSignerInfo> GetSigner(HgsKeys keys) =>
        TypedResults.Ok(new AttestationSignerInfo(keys.SignerPublicKey, keys.SignerThumbprint, "ECDSA-P384-SHA384"));

    /// <summary>Malformed input is the caller's mistake (400); every other refusal is a denial (403).</summary>
    public static int StatusFor(KeyReleaseRefusal refusal) => refusal switch
    {
        KeyReleaseRefusal.MalformedProtector => StatusCodes.Status400BadRequest,
        KeyReleaseRefusal.Unavailable => StatusCodes.Status503ServiceUnavailable,
        KeyReleaseRefusal.NotHealthy or KeyReleaseRefusal.CertificateInvalid or KeyReleaseRefusal.CertificateExpired
            or KeyReleaseRefusal.CertificateRevoked or KeyReleaseRefusal.HostNotRegistered or KeyReleaseRefusal.HostNotHealthy
            or KeyReleaseRefusal.GuardianNotListed or KeyReleaseRefusal.TransportKeyMismatch => StatusCodes.Status403Forbidden,
    };
}
