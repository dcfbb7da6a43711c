using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Common;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Api;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.KeyRelease;
using Portal.HostGuardian.Keys;

namespace Portal.HostGuardian;

/// <summary>HGS's host- and tenant-facing API under <c>/hgs/v1</c>: challenge, attest, key release, guardian metadata, signer.</summary>
public static class HgsEndpoints
{
    public static RouteGroupBuilder MapHgsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(HgsRoutes.Prefix).WithTags(HgsOpenApi.Tag).WithGroupName(HgsOpenApi.DocumentName)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        group.MapPost("/attest/challenge", ChallengeAsync)
            .WithName("HgsChallenge")
            .WithSummary("Issue an attestation challenge")
            .WithDescription("A fresh single-use nonce for the next attestation, accepted until it expires.")
            .AllowAnonymousAttestation();
        group.MapPost("/attest", AttestAsync)
            .WithName("HgsAttest")
            .WithSummary("Attest a host")
            .WithDescription("Checks the host's evidence for its registered mode; on a pass the answer carries a health certificate " +
                             "bound to the transport key. A failed attestation is an answer (200) with its status and reason.")
            .ProducesValidationProblem()
            .AllowAnonymousAttestation();
        group.MapPost("/attest/activation", BeginActivationAsync)
            .WithName("HgsBeginActivation")
            .WithSummary("Begin credential activation of an attestation key")
            .WithDescription("For a TPM-trusted host: HGS answers with a credential (TPM2_MakeCredential) that only the TPM holding the " +
                             "registered endorsement key can open, and only for the named attestation key. Once per attestation key.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .AllowAnonymousAttestation();
        group.MapPost("/attest/activation/{id}", CompleteActivationAsync)
            .WithName("HgsCompleteActivation")
            .WithSummary("Answer a credential activation")
            .WithDescription("The secret the host's TPM recovered (TPM2_ActivateCredential). On a match the attestation key is bound " +
                             "to the host's endorsement key; every challenge is answered once.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymousAttestation();
        group.MapPost("/keys/release", ReleaseAsync)
            .WithName("HgsReleaseKey")
            .WithSummary("Release a key to a healthy host")
            .WithDescription("Authorised by the request body: a valid, unrevoked health certificate of a registered, healthy host " +
                             "and a proof signed by the transport key it is bound to. The key is re-wrapped for that transport key.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireHealthCertificate();
        group.MapGet("/guardian", GetGuardian)
            .WithName("HgsGetGuardian")
            .WithSummary("Download the fabric guardian's metadata")
            .WithDescription("The public guardian metadata file (format tenantportal-guardian-metadata) tenants add to their shielding data.")
            .Produces<GuardianMetadataFile>(StatusCodes.Status200OK, "application/json")
            .AllowAnonymousCaller();
        group.MapGet("/attestation-signer", GetSigner)
            .WithName("HgsGetAttestationSigner")
            .WithSummary("Get the health certificate signer")
            .WithDescription("The public key that signs health certificates, so the portal and hosts can verify them.")
            .AllowAnonymousCaller();
        return group;
    }

    private static async Task<Ok<AttestationChallenge>> ChallengeAsync(NonceStore nonces, CancellationToken cancellationToken) =>
        TypedResults.Ok(await nonces.IssueAsync(cancellationToken));

    private static async Task<Results<Ok<AttestationOutcome>, ValidationProblem>> AttestAsync(
        AttestationRequest request, AttestationService attestation, HttpContext context, CancellationToken cancellationToken)
    {
        if (AttestationService.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The attestation request is malformed.");
        }

        return TypedResults.Ok(await attestation.AttestAsync(request, context.Connection.RemoteIpAddress?.ToString(), cancellationToken));
    }

    private static async Task<Results<Ok<ActivationChallenge>, ValidationProblem, ProblemHttpResult>> BeginActivationAsync(
        ActivationRequest request, ActivationService activation, CancellationToken cancellationToken)
    {
        if (!HostNames.IsValid(request.HostName))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["hostName"] = [HostNames.Rule] });
        }

        try
        {
            return TypedResults.Ok(await activation.BeginAsync(request, cancellationToken));
        }
        catch (DomainValidationException e)
        {
            return TypedResults.ValidationProblem(e.Errors, title: "The activation request is malformed.");
        }
        catch (ActivationRefusedException e)
        {
            return TypedResults.Problem(title: "HGS refused to activate the attestation key.", detail: e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> CompleteActivationAsync(
        string id, ActivationAnswer answer, ActivationService activation, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var activationId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["The activation id is a GUID."] });
        }

        try
        {
            return await activation.CompleteAsync(activationId, answer, cancellationToken)
                ? TypedResults.NoContent()
                : TypedResults.Problem(title: "No such activation.", detail: "The activation is unknown, expired or already answered; begin again.",
                    statusCode: StatusCodes.Status404NotFound);
        }
        catch (ActivationRefusedException e)
        {
            return TypedResults.Problem(title: "HGS refused to activate the attestation key.", detail: e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
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
