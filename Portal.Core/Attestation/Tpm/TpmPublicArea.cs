using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// A TPM key's public area (TPMT_PUBLIC) as the TPM defines it: RSA or ECC, with its name algorithm, attributes and
/// auth policy. Read from TPM2B_PUBLIC, the form <c>tpm2_readpublic -o</c> and <c>tpm2_createak -u</c> write. Its
/// <see cref="Name"/> (nameAlg ‖ H(TPMT_PUBLIC)) is what credential activation binds and what a quote's signer names.
/// </summary>
public sealed class TpmPublicArea
{
    private const string Structure = "TPM2B_PUBLIC";
    private const int MaxPolicy = 64;
    private const int MaxRsaModulus = 512;
    private const int MaxEccCoordinate = 66;

    private static readonly TpmObjectAttributes AttestationKeyAttributes =
        TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign | TpmObjectAttributes.FixedTpm
        | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin;

    private TpmPublicArea()
    {
    }

    /// <summary>TPM2B_PUBLIC bytes: a 2-byte size, then TPMT_PUBLIC.</summary>
    public byte[] Encoded { get; private init; } = [];

    public TpmAlgorithm Type { get; private init; }

    public TpmAlgorithm NameAlgorithm { get; private init; }

    public TpmObjectAttributes Attributes { get; private init; }

    /// <summary>nameAlg (2 bytes, big-endian) ‖ digest of TPMT_PUBLIC.</summary>
    public byte[] Name { get; private init; } = [];

    /// <summary>Upper-case hex of <see cref="Name"/>.</summary>
    public string NameHex => Convert.ToHexString(Name);

    /// <summary>The policy digest that authorises the key's admin role (empty when none).</summary>
    public byte[] AuthPolicy { get; private init; } = [];

    /// <summary>The symmetric algorithm of a storage key (AES), or <see cref="TpmAlgorithm.Null"/>.</summary>
    public TpmAlgorithm SymmetricAlgorithm { get; private init; }

    /// <summary>The symmetric key size in bits (0 when <see cref="SymmetricAlgorithm"/> is Null).</summary>
    public int SymmetricKeyBits { get; private init; }

    /// <summary>The symmetric mode (CFB for a storage key), or <see cref="TpmAlgorithm.Null"/>.</summary>
    public TpmAlgorithm SymmetricMode { get; private init; }

    /// <summary>The signing or encryption scheme the key is fixed to (RSASSA, RSAPSS, ECDSA), or <see cref="TpmAlgorithm.Null"/>.</summary>
    public TpmAlgorithm Scheme { get; private init; }

    /// <summary>The hash of <see cref="Scheme"/>, or <see cref="TpmAlgorithm.Null"/>.</summary>
    public TpmAlgorithm SchemeHash { get; private init; }

    /// <summary>RSA: the modulus size in bits; ECC: the curve's field size in bits.</summary>
    public int KeyBits { get; private init; }

    /// <summary>
    /// True for a key fit to be an attestation key: a restricted signing key (so the TPM signs only what it produced
    /// itself), fixed to this TPM and its parent, generated inside it, and not a decryption key.
    /// </summary>
    public bool IsAttestationKey =>
        (Attributes & AttestationKeyAttributes) == AttestationKeyAttributes && !Attributes.HasFlag(TpmObjectAttributes.Decrypt);

    internal byte[] Modulus { get; private init; } = [];

    internal byte[] Exponent { get; private init; } = [];

    internal ECCurve Curve { get; private init; }

    internal byte[] X { get; private init; } = [];

    internal byte[] Y { get; private init; } = [];

    /// <summary>Parses TPM2B_PUBLIC; throws <see cref="TpmFormatException"/> when it is not one RSA or ECC public area.</summary>
    public static TpmPublicArea Parse(ReadOnlySpan<byte> tpm2bPublic)
    {
        var reader = new TpmReader(tpm2bPublic, Structure);
        var size = reader.U16();
        if (size != reader.Remaining)
        {
            throw reader.Fail($"its size field says {size} bytes but {reader.Remaining} follow");
        }

        var start = reader.Position;
        var type = reader.Algorithm();
        if (type is not (TpmAlgorithm.Rsa or TpmAlgorithm.Ecc))
        {
            throw reader.Fail($"the key type 0x{(ushort)type:X4} is neither RSA nor ECC");
        }

        var nameAlg = reader.Algorithm();
        if (!TpmHash.IsHash(nameAlg))
        {
            throw reader.Fail($"the name algorithm 0x{(ushort)nameAlg:X4} is not a supported hash");
        }

        var attributes = (TpmObjectAttributes)reader.U32();
        var authPolicy = reader.Sized(MaxPolicy, "authPolicy").ToArray();

        var symmetric = reader.Algorithm();
        int symmetricBits = 0;
        var symmetricMode = TpmAlgorithm.Null;
        if (symmetric != TpmAlgorithm.Null)
        {
            if (symmetric != TpmAlgorithm.Aes)
            {
                throw reader.Fail($"the symmetric algorithm 0x{(ushort)symmetric:X4} is not AES");
            }

            symmetricBits = reader.U16();
            symmetricMode = reader.Algorithm();
        }

        var scheme = reader.Algorithm();
        var schemeHash = TpmAlgorithm.Null;
        if (scheme != TpmAlgorithm.Null)
        {
            var allowed = type == TpmAlgorithm.Rsa
                ? scheme is TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss or TpmAlgorithm.RsaOaep
                : scheme is TpmAlgorithm.Ecdsa or TpmAlgorithm.Ecdh;
            if (!allowed)
            {
                throw reader.Fail($"the scheme 0x{(ushort)scheme:X4} is not one a {type} key here may have");
            }

            schemeHash = reader.Algorithm();
        }

        TpmPublicArea area;
        if (type == TpmAlgorithm.Rsa)
        {
            var keyBits = reader.U16();
            var exponent = reader.U32();
            var modulus = reader.Sized(MaxRsaModulus, "the RSA modulus").ToArray();
            if (keyBits is < 1024 or > MaxRsaModulus * 8 || modulus.Length != keyBits / 8 || modulus[0] < 0x80)
            {
                throw reader.Fail($"the RSA modulus has {modulus.Length} bytes for a {keyBits}-bit key");
            }

            area = new TpmPublicArea { KeyBits = keyBits, Modulus = modulus, Exponent = ExponentBytes(exponent == 0 ? 65537 : exponent) };
        }
        else
        {
            var curveId = reader.U16();
            var (curve, fieldBits) = CurveOf(curveId) ?? throw reader.Fail($"the curve 0x{curveId:X4} is not NIST P-256, P-384 or P-521");
            var kdf = reader.Algorithm();
            if (kdf != TpmAlgorithm.Null)
            {
                reader.U16();
            }

            var x = reader.Sized(MaxEccCoordinate, "the ECC point's x").ToArray();
            var y = reader.Sized(MaxEccCoordinate, "the ECC point's y").ToArray();
            var fieldBytes = (fieldBits + 7) / 8;
            if (x.Length is 0 || y.Length is 0 || x.Length > fieldBytes || y.Length > fieldBytes)
            {
                throw reader.Fail($"the ECC point does not fit the {fieldBits}-bit curve");
            }

            area = new TpmPublicArea { KeyBits = fieldBits, Curve = curve, X = x, Y = y };
            if (!IsOnCurve(area.EcParameters()))
            {
                throw reader.Fail("the ECC point is not on its curve");
            }
        }

        reader.End();
        var tpmtPublic = tpm2bPublic[start..];
        var name = new byte[2 + TpmHash.Size(nameAlg)];
        name[0] = (byte)((ushort)nameAlg >> 8);
        name[1] = (byte)nameAlg;
        TpmHash.Hash(nameAlg, tpmtPublic).CopyTo(name, 2);

        return new TpmPublicArea
        {
            Encoded = tpm2bPublic.ToArray(),
            Type = type,
            NameAlgorithm = nameAlg,
            Attributes = attributes,
            Name = name,
            AuthPolicy = authPolicy,
            SymmetricAlgorithm = symmetric,
            SymmetricKeyBits = symmetricBits,
            SymmetricMode = symmetricMode,
            Scheme = scheme,
            SchemeHash = schemeHash,
            KeyBits = area.KeyBits,
            Modulus = area.Modulus,
            Exponent = area.Exponent,
            Curve = area.Curve,
            X = area.X,
            Y = area.Y,
        };
    }

    /// <summary>
    /// The TPM2B_PUBLIC of an ECC key with this public point (what a software TPM reports for its keys). The curve must
    /// be NIST P-256, P-384 or P-521; <paramref name="symmetricKeyBits"/> 0 means no symmetric algorithm, otherwise
    /// AES-CFB of that size (a storage key such as an EK); <paramref name="scheme"/> Null or ECDSA with <paramref name="schemeHash"/>.
    /// </summary>
    public static TpmPublicArea CreateEcc(
        TpmAlgorithm nameAlgorithm, TpmObjectAttributes attributes, ReadOnlySpan<byte> authPolicy, int symmetricKeyBits,
        TpmAlgorithm scheme, TpmAlgorithm schemeHash, ECParameters publicKey)
    {
        var curveId = CurveIdOf(publicKey.Curve) ?? throw new ArgumentException("The key is not on NIST P-256, P-384 or P-521.", nameof(publicKey));
        var writer = new TpmWriter()
            .Algorithm(TpmAlgorithm.Ecc)
            .Algorithm(nameAlgorithm)
            .U32((uint)attributes)
            .Sized(authPolicy);
        if (symmetricKeyBits == 0)
        {
            writer.Algorithm(TpmAlgorithm.Null);
        }
        else
        {
            writer.Algorithm(TpmAlgorithm.Aes).U16((ushort)symmetricKeyBits).Algorithm(TpmAlgorithm.Cfb);
        }

        writer.Algorithm(scheme);
        if (scheme != TpmAlgorithm.Null)
        {
            writer.Algorithm(schemeHash);
        }

        writer.U16(curveId).Algorithm(TpmAlgorithm.Null).Sized(publicKey.Q.X).Sized(publicKey.Q.Y);
        return Parse(writer.ToSizedArray());
    }

    /// <summary>Verifies a TPMT_SIGNATURE by this key over <paramref name="signed"/> (RSASSA, RSAPSS or ECDSA; SHA-256/384/512).</summary>
    public bool Verify(ReadOnlySpan<byte> signed, TpmSignature signature)
    {
        if (!TpmHash.IsSignatureHash(signature.Hash))
        {
            return false;
        }

        // A key fixed to a scheme (every restricted signing key is) signs with that scheme and hash only.
        if (Scheme != TpmAlgorithm.Null && (signature.Scheme != Scheme || signature.Hash != SchemeHash))
        {
            return false;
        }

        try
        {
            return Type switch
            {
                TpmAlgorithm.Rsa => VerifyRsa(signed, signature),
                TpmAlgorithm.Ecc => VerifyEcdsa(signed, signature),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The key as DER SubjectPublicKeyInfo (to compare with an EK certificate's key, or to show a thumbprint).</summary>
    public byte[] ToSubjectPublicKeyInfo()
    {
        if (Type == TpmAlgorithm.Rsa)
        {
            using var rsa = RSA.Create(RsaParameters());
            return rsa.ExportSubjectPublicKeyInfo();
        }

        using var ecdsa = ECDsa.Create(EcParameters());
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    internal RSAParameters RsaParameters() => new() { Modulus = Modulus, Exponent = Exponent };

    /// <summary>The public point with both coordinates at the field's full size, as .NET wants them.</summary>
    internal ECParameters EcParameters()
    {
        var size = (KeyBits + 7) / 8;
        return new ECParameters { Curve = Curve, Q = new ECPoint { X = LeftPad(X, size), Y = LeftPad(Y, size) } };
    }

    internal static byte[] LeftPad(ReadOnlySpan<byte> value, int size)
    {
        var padded = new byte[size];
        value.CopyTo(padded.AsSpan(size - value.Length));
        return padded;
    }

    private bool VerifyRsa(ReadOnlySpan<byte> signed, TpmSignature signature)
    {
        var padding = signature.Scheme switch
        {
            TpmAlgorithm.RsaSsa => RSASignaturePadding.Pkcs1,
            TpmAlgorithm.RsaPss => RSASignaturePadding.Pss,
            _ => null,
        };
        if (padding is null || signature.Signature.Length != Modulus.Length)
        {
            return false;
        }

        using var rsa = RSA.Create(RsaParameters());
        return rsa.VerifyData(signed, signature.Signature, TpmHash.Name(signature.Hash), padding);
    }

    private bool VerifyEcdsa(ReadOnlySpan<byte> signed, TpmSignature signature)
    {
        var size = (KeyBits + 7) / 8;
        if (signature.Scheme != TpmAlgorithm.Ecdsa || signature.R.Length is 0 || signature.S.Length is 0
            || signature.R.Length > size || signature.S.Length > size)
        {
            return false;
        }

        var rs = new byte[2 * size];
        signature.R.CopyTo(rs, size - signature.R.Length);
        signature.S.CopyTo(rs, 2 * size - signature.S.Length);
        using var ecdsa = ECDsa.Create(EcParameters());
        return ecdsa.VerifyData(signed, rs, TpmHash.Name(signature.Hash), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static bool IsOnCurve(ECParameters parameters)
    {
        try
        {
            using var key = ECDsa.Create(parameters);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static byte[] ExponentBytes(uint exponent)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, exponent);
        return bytes.AsSpan(bytes.AsSpan().IndexOfAnyExcept((byte)0)).ToArray();
    }

    private static (ECCurve Curve, int FieldBits)? CurveOf(ushort curveId) => curveId switch
    {
        0x0003 => (ECCurve.NamedCurves.nistP256, 256),
        0x0004 => (ECCurve.NamedCurves.nistP384, 384),
        0x0005 => (ECCurve.NamedCurves.nistP521, 521),
        _ => null,
    };

    private static ushort? CurveIdOf(ECCurve curve) => curve.Oid?.Value switch
    {
        "1.2.840.10045.3.1.7" => 0x0003,
        "1.3.132.0.34" => 0x0004,
        "1.3.132.0.35" => 0x0005,
        _ => null,
    };
}
