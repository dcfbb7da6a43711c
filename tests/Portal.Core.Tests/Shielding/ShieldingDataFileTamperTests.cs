using System.Buffers.Binary;
using Portal.Core.Shielding;
using Portal.Core.Shielding.DataFiles;

namespace Portal.Core.Tests.Shielding;

/// <summary>Every field of a valid file, changed by one byte, must make the file refused with a reason that fits.</summary>
public class ShieldingDataFileTamperTests
{
    private static readonly ShieldingDataFile Valid = ShieldingDataFile.Read(TestGuardians.ValidPdk);

    // Fields whose bytes are free-form: any change there can only be caught by the owner signature.
    public static TheoryData<string> SignatureOnlyFields => new()
    {
        "file id", "nonce", "ciphertext", "authentication tag",
    };

    // Fields with structure: a change may be caught earlier (bad key, bad UTF-8, unknown value) but never missed.
    public static TheoryData<string> StructuredFields => new()
    {
        "header", "creation time", "policy", "owner guardian", "guardians", "qualifiers", "wrapped keys", "ciphertext length", "owner signature",
    };

    [Fact]
    public void Regions_CoverEveryByteOfTheFileExactlyOnce()
    {
        var covered = Valid.Regions.OrderBy(r => r.Offset).ToList();

        var position = 0;
        foreach (var region in covered)
        {
            Assert.True(region.Offset == position, $"{region.Name} starts at {region.Offset}, expected {position}");
            position += region.Length;
        }

        Assert.Equal(Valid.ToArray().Length, position);
    }

    [Theory]
    [MemberData(nameof(SignatureOnlyFields))]
    public void ReadPublic_AnyByteOfFreeFormFieldFlipped_IsSignatureInvalid(string field)
    {
        foreach (var offset in OffsetsOf(field))
        {
            var bytes = TestGuardians.ValidPdk;
            bytes[offset] ^= 0x01;

            var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));

            Assert.True(ex.Error == ShieldingFormatError.SignatureInvalid, $"{field} byte {offset}: {ex.Error} ({ex.Message})");
        }
    }

    [Theory]
    [MemberData(nameof(StructuredFields))]
    public void ReadPublic_AnyByteOfStructuredFieldFlipped_IsRefused(string field)
    {
        foreach (var offset in OffsetsOf(field))
        {
            foreach (var mask in new byte[] { 0x01, 0x80 })
            {
                var bytes = TestGuardians.ValidPdk;
                bytes[offset] ^= mask;

                var ex = Record.Exception(() => ShieldingDataFile.ReadPublic(bytes));

                Assert.True(ex is ShieldingDataFormatException, $"{field} byte {offset} ^ {mask:X2}: {ex?.GetType().Name ?? "accepted"}");
            }
        }
    }

    [Theory]
    [InlineData("header", 0, ShieldingFormatError.WrongMagic)]
    [InlineData("header", 5, ShieldingFormatError.UnsupportedVersion)]
    [InlineData("policy", 0, ShieldingFormatError.Malformed)]
    [InlineData("creation time", 7, ShieldingFormatError.SignatureInvalid)]
    [InlineData("wrapped keys", 0, ShieldingFormatError.WrappedKeysMismatch)]
    [InlineData("wrapped keys", 1, ShieldingFormatError.WrappedKeysMismatch)]
    [InlineData("wrapped keys", 40, ShieldingFormatError.SignatureInvalid)]
    [InlineData("owner signature", 10, ShieldingFormatError.SignatureInvalid)]
    [InlineData("owner signature", 1, ShieldingFormatError.LengthOutOfBounds)]
    [InlineData("ciphertext length", 0, ShieldingFormatError.LengthOutOfBounds)]
    [InlineData("ciphertext length", 1, ShieldingFormatError.Truncated)]
    public void ReadPublic_SpecificByteFlipped_GivesThePreciseReason(string field, int index, ShieldingFormatError expected)
    {
        var bytes = TestGuardians.ValidPdk;
        bytes[Region(field).Offset + index] ^= 0x01;

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));

        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public void ReadPublic_OwnerSigningKeyReplacedByAnotherKey_IsSignatureInvalid()
    {
        // Same length, so the structure still parses: only the signature can tell the owner's key was swapped.
        var bytes = TestGuardians.ValidPdk;
        var owner = Region("owner guardian");
        var signingKeyOffset = owner.Offset + 2 + System.Text.Encoding.UTF8.GetByteCount(TestGuardians.Owner.Name) + 2;
        TestGuardians.Stranger.PublicKeys.SigningKey.Span.CopyTo(bytes.AsSpan(signingKeyOffset));

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));

        Assert.Equal(ShieldingFormatError.SignatureInvalid, ex.Error);
        Assert.Contains("owner", ex.Message);
    }

    [Fact]
    public void ReadPublic_ResignedByAnotherKeyThanTheListedOwner_IsSignatureInvalid()
    {
        var bytes = TestGuardians.ValidPdk;
        var signature = Region("owner signature");
        var forged = TestGuardians.Stranger.Sign(bytes.AsSpan(0, signature.Offset));
        forged.CopyTo(bytes, signature.Offset + 2);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));

        Assert.Equal(ShieldingFormatError.SignatureInvalid, ex.Error);
    }

    [Fact]
    public void ReadPublic_SignatureRemoved_IsUnsigned()
    {
        var bytes = TestGuardians.ValidPdk;
        var signature = Region("owner signature");
        var unsigned = bytes[..signature.Offset].Concat(new byte[] { 0, 0 }).ToArray();

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(unsigned));

        Assert.Equal(ShieldingFormatError.Unsigned, ex.Error);
    }

    [Fact]
    public void Open_CiphertextFlippedButResignedByOwner_IsCaughtByAesGcm()
    {
        AssertResignedTamperCaughtAtOpen("ciphertext", 3, ShieldingFormatError.CiphertextTampered);
        AssertResignedTamperCaughtAtOpen("authentication tag", 0, ShieldingFormatError.CiphertextTampered);
        AssertResignedTamperCaughtAtOpen("nonce", 11, ShieldingFormatError.CiphertextTampered);
        AssertResignedTamperCaughtAtOpen("policy", 0, null, newValue: 2); // public part is the associated data
    }

    [Fact]
    public void Open_WrappedKeyFlippedButResignedByOwner_IsUnwrapFailed()
    {
        var guardianWrapOffset = Region("wrapped keys").Offset + 1 + (32 + 2 + TestGuardians.Owner.PublicKeys.WrappedKeyLength) + 32 + 2 + 10;
        var bytes = TestGuardians.ValidPdk;
        bytes[guardianWrapOffset] ^= 0x01;
        var file = ShieldingDataFile.Read(Resign(bytes));

        var ex = Assert.Throws<ShieldingDataFormatException>(() => file.Open(TestGuardians.Fabric));

        Assert.Equal(ShieldingFormatError.UnwrapFailed, ex.Error);
        Assert.Equal(TestGuardians.PasswordMarker, file.Open(TestGuardians.Owner).AdministratorPassword);
    }

    [Theory]
    [InlineData(0, ShieldingFormatError.Empty)]
    [InlineData(2, ShieldingFormatError.Truncated)]
    [InlineData(4, ShieldingFormatError.Truncated)]
    [InlineData(6, ShieldingFormatError.Truncated)]
    [InlineData(100, ShieldingFormatError.Truncated)]
    public void ReadPublic_TruncatedFile_SaysWhy(int length, ShieldingFormatError expected)
    {
        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(TestGuardians.ValidPdk[..length]));

        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public void ReadPublic_EveryTruncationLength_IsRefusedAsTruncated()
    {
        var bytes = TestGuardians.ValidPdk;
        for (var length = 6; length < bytes.Length; length += 13)
        {
            var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes[..length]));
            Assert.True(ex.Error is ShieldingFormatError.Truncated, $"length {length}: {ex.Error}");
        }
    }

    [Fact]
    public void ReadPublic_TrailingByte_IsRefused()
    {
        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic([.. TestGuardians.ValidPdk, 0]));

        Assert.Equal(ShieldingFormatError.TrailingData, ex.Error);
    }

    [Fact]
    public void ReadPublic_LargerThanTheLimit_IsRefusedWithoutReadingTheRest()
    {
        var stream = new CountingStream(1024 * 1024 * 64);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(stream, maxBytes: 4096));

        Assert.Equal(ShieldingFormatError.TooLarge, ex.Error);
        Assert.True(stream.Position <= 4097 + 81920, $"read {stream.Position} bytes");
    }

    [Fact]
    public void ReadPublic_CiphertextLengthClaimingGigabytes_IsLengthOutOfBoundsWithoutAllocating()
    {
        var bytes = TestGuardians.ValidPdk;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(Region("ciphertext length").Offset), 0x7FFF_FFFF);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));

        Assert.Equal(ShieldingFormatError.LengthOutOfBounds, ex.Error);
    }

    [Fact]
    public void ReadPublic_NoGuardians_IsRefused()
    {
        // Build the public part by hand with zero guardians: Create refuses to make such a file.
        var writer = new Portal.Core.Shielding.Binary.FormatWriter();
        writer.WriteHeader("TPDK"u8, 1);
        writer.WriteFixed(new byte[16]);
        writer.WriteTimestamp(TestGuardians.Time.GetUtcNow());
        writer.WriteByte(1);
        TestGuardians.Owner.PublicKeys.WriteTo(writer);
        writer.WriteCount(0);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(writer.ToArray()));

        Assert.Equal(ShieldingFormatError.NoGuardians, ex.Error);
    }

    [Fact]
    public void ReadPublic_OwnerRepeatedAsGuardian_IsDuplicateGuardian()
    {
        var writer = new Portal.Core.Shielding.Binary.FormatWriter();
        writer.WriteHeader("TPDK"u8, 1);
        writer.WriteFixed(new byte[16]);
        writer.WriteTimestamp(TestGuardians.Time.GetUtcNow());
        writer.WriteByte(1);
        TestGuardians.Owner.PublicKeys.WriteTo(writer);
        writer.WriteCount(1);
        TestGuardians.Owner.PublicKeys.WriteTo(writer);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(writer.ToArray()));

        Assert.Equal(ShieldingFormatError.DuplicateGuardian, ex.Error);
    }

    [Fact]
    public void ReadPublic_AKeyProtectorOrCatalog_IsWrongMagic()
    {
        var ex = Assert.Throws<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(TestGuardians.Catalog.ToArray()));

        Assert.Equal(ShieldingFormatError.WrongMagic, ex.Error);
        Assert.StartsWith("Shielding data file: ", ex.Message);
    }

    private static void AssertResignedTamperCaughtAtOpen(string field, int index, ShieldingFormatError? expected, byte? newValue = null)
    {
        var bytes = TestGuardians.ValidPdk;
        var offset = Region(field).Offset + index;
        bytes[offset] = newValue ?? (byte)(bytes[offset] ^ 0x01);
        var file = ShieldingDataFile.Read(Resign(bytes));

        var ex = Assert.Throws<ShieldingDataFormatException>(() => file.Open(TestGuardians.Fabric));

        Assert.Equal(expected ?? ShieldingFormatError.CiphertextTampered, ex.Error);
    }

    private static byte[] Resign(byte[] bytes)
    {
        var signature = Region("owner signature");
        TestGuardians.Owner.Sign(bytes.AsSpan(0, signature.Offset)).CopyTo(bytes, signature.Offset + 2);
        return bytes;
    }

    private static FieldRegion Region(string name) => Valid.Regions.Single(r => r.Name == name);

    private static IEnumerable<int> OffsetsOf(string field)
    {
        var region = Region(field);
        // Every byte of small fields; a spread of bytes in large ones keeps the test fast yet covering.
        var step = region.Length <= 64 ? 1 : region.Length / 48;
        for (var i = 0; i < region.Length; i += step)
        {
            yield return region.Offset + i;
        }

        yield return region.Offset + region.Length - 1;
    }

    private sealed class CountingStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Fill(buffer, (byte)'T', offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
