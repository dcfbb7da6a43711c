using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Keys;

/// <summary>
/// The private keys HGS works with — the fabric guardian and the attestation signer — loaded once from the store and
/// opened with the master key (created and sealed on first start). In memory only; never written out in clear.
/// </summary>
public sealed class HgsKeys(MasterKey masterKey, IOptions<HgsOptions> options, TimeProvider time, ILogger<HgsKeys> logger) : IDisposable
{
    private readonly Lock _signerLock = new();
    private Core.Shielding.Guardians.Guardian? _guardian;
    private ECDsa? _signer;

    /// <summary>The fabric guardian with its private keys.</summary>
    public Core.Shielding.Guardians.Guardian FabricGuardian => _guardian ?? throw NotLoaded();

    /// <summary>DER SPKI of the attestation signing key (ECDSA P-384).</summary>
    public byte[] SignerPublicKey { get; private set; } = [];

    public string SignerThumbprint => Thumbprint.Of(SignerPublicKey);

    public bool IsLoaded => _guardian is not null && _signer is not null;

    /// <summary>Loads (or on an empty store creates and seals) both keys. Called once at start-up.</summary>
    public async Task LoadAsync(HgsDbContext db, CancellationToken cancellationToken)
    {
        var guardianRow = await db.ProtectedKeys.SingleOrDefaultAsync(k => k.Purpose == ProtectedKey.FabricGuardian, cancellationToken);
        if (guardianRow is null)
        {
            var created = Core.Shielding.Guardians.Guardian.Create(options.Value.GuardianName);
            guardianRow = Seal(ProtectedKey.FabricGuardian, created.Name, created.PublicKeys.SigningThumbprint,
                Encoding.UTF8.GetBytes(GuardianKeyFile.Write(created, passphrase: null)));
            db.ProtectedKeys.Add(guardianRow);
            created.Dispose();
            logger.LogInformation("HGS created the fabric guardian {GuardianName}", guardianRow.Name);
        }

        var signerRow = await db.ProtectedKeys.SingleOrDefaultAsync(k => k.Purpose == ProtectedKey.AttestationSigner, cancellationToken);
        if (signerRow is null)
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            signerRow = Seal(ProtectedKey.AttestationSigner, "HGS attestation signer", Thumbprint.Of(created.ExportSubjectPublicKeyInfo()), created.ExportPkcs8PrivateKey());
            db.ProtectedKeys.Add(signerRow);
            logger.LogInformation("HGS created its attestation signing key {SignerThumbprint}", signerRow.Thumbprint);
        }

        await db.SaveChangesAsync(cancellationToken);

        var keyFile = masterKey.Open(guardianRow.SealedPrivateKey, ProtectedKey.FabricGuardian);
        try
        {
            _guardian = GuardianKeyFile.Read(Encoding.UTF8.GetString(keyFile), passphrase: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyFile);
        }

        var pkcs8 = masterKey.Open(signerRow.SealedPrivateKey, ProtectedKey.AttestationSigner);
        try
        {
            _signer = ECDsa.Create();
            _signer.ImportPkcs8PrivateKey(pkcs8, out _);
            SignerPublicKey = _signer.ExportSubjectPublicKeyInfo();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        logger.LogInformation("HGS loaded fabric guardian {GuardianName} and attestation signer {SignerThumbprint}", _guardian.Name, SignerThumbprint);
    }

    /// <summary>Issues a health certificate bound to <paramref name="transportKey"/>, valid for the configured lifetime.</summary>
    public HealthCertificate Issue(RegisteredHost host, ReadOnlySpan<byte> transportKey)
    {
        var signer = _signer ?? throw NotLoaded();
        var now = time.GetUtcNow();
        lock (_signerLock)
        {
            return HealthCertificate.Issue(Guid.NewGuid(), host.Id, host.Name, transportKey, host.Mode, now, now + options.Value.CertificateLifetime, signer);
        }
    }

    public void Dispose()
    {
        _guardian?.Dispose();
        _signer?.Dispose();
    }

    private ProtectedKey Seal(string purpose, string name, string thumbprint, byte[] privateKey)
    {
        try
        {
            return new ProtectedKey
            {
                Purpose = purpose,
                Name = name,
                Thumbprint = thumbprint,
                SealedPrivateKey = masterKey.Seal(privateKey, purpose),
                CreatedAt = time.GetUtcNow(),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private static InvalidOperationException NotLoaded() => new("HGS keys are not loaded yet; HGS is still starting.");
}
