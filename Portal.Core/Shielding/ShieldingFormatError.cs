namespace Portal.Core.Shielding;

/// <summary>Why a shielding file was refused; stable codes a caller can switch on (the message says it in words).</summary>
public enum ShieldingFormatError
{
    /// <summary>The file has no bytes at all.</summary>
    Empty,

    /// <summary>The file is larger than the caller's limit.</summary>
    TooLarge,

    /// <summary>A field needs more bytes than remain.</summary>
    Truncated,

    /// <summary>The file does not start with the format's magic bytes (or is not the expected JSON document kind).</summary>
    WrongMagic,

    /// <summary>The format version is not one this code reads.</summary>
    UnsupportedVersion,

    /// <summary>A declared length or count is outside the format's sane bounds.</summary>
    LengthOutOfBounds,

    /// <summary>A field has a value the format does not allow (bad UTF-8, unknown enum value, bad JSON, …).</summary>
    Malformed,

    /// <summary>A public key is not of the required algorithm or size, or is not canonically encoded.</summary>
    InvalidKey,

    /// <summary>A stored thumbprint does not match the key it names.</summary>
    ThumbprintMismatch,

    /// <summary>The file carries no signature.</summary>
    Unsigned,

    /// <summary>The signature does not verify with the signer's public key: the file was changed or signed by another key.</summary>
    SignatureInvalid,

    /// <summary>A shielding data file or key protector lists no guardian besides the owner.</summary>
    NoGuardians,

    /// <summary>The same guardian key appears twice (including the owner listed again as a guardian).</summary>
    DuplicateGuardian,

    /// <summary>A shielding data file trusts no template disk.</summary>
    NoQualifiers,

    /// <summary>The wrapped keys are not exactly one per owner and guardian, in order, of the right size.</summary>
    WrappedKeysMismatch,

    /// <summary>Bytes follow the end of the file's last field.</summary>
    TrailingData,

    /// <summary>The wrapped key could not be unwrapped with the guardian's private key.</summary>
    UnwrapFailed,

    /// <summary>The encrypted payload failed authentication: ciphertext, nonce, tag or public part changed.</summary>
    CiphertextTampered,

    /// <summary>A key protector's commitment does not match its key: the protector or one wrapped key was altered.</summary>
    CommitmentMismatch,

    /// <summary>The private key file is encrypted and no passphrase was given.</summary>
    PassphraseRequired,

    /// <summary>The passphrase does not decrypt the private key file.</summary>
    WrongPassphrase,
}
