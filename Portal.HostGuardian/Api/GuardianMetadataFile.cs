namespace Portal.HostGuardian.Api;

/// <summary>
/// The shape of the guardian metadata file, for the OpenAPI document only: <c>GuardianMetadata.Write</c> writes it and
/// <c>GuardianMetadata.Parse</c> reads it strictly (docs/formats/guardian.md). Binary values are base64.
/// </summary>
internal sealed record GuardianMetadataFile(string Format, int Version, string Name, GuardianMetadataKey SigningKey, GuardianMetadataKey EncryptionKey, byte[] Signature);

/// <summary>One public key of the guardian: its algorithm, DER SubjectPublicKeyInfo and thumbprint.</summary>
internal sealed record GuardianMetadataKey(string Algorithm, byte[] Spki, string Thumbprint);
