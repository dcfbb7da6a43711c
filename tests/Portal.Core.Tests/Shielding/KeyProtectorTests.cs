using System.Security.Cryptography;
using Portal.Core.Shielding;
using Portal.Core.Shielding.KeyProtectors;

namespace Portal.Core.Tests.Shielding;

public class KeyProtectorTests
{
    private static readonly byte[] VmKey = KeyProtector.GenerateKey();

    private static KeyProtector Create() =>
        KeyProtector.Create(TestGuardians.Owner.PublicKeys, [TestGuardians.Fabric.PublicKeys, TestGuardians.OtherFabric.PublicKeys], VmKey);

    [Fact]
    public void Unwrap_ByOwnerAndEachGuardian_GivesTheVmKey()
    {
        var kp = KeyProtector.Read(Create().ToArray());

        Assert.Equal(VmKey, kp.Unwrap(TestGuardians.Owner));
        Assert.Equal(VmKey, kp.Unwrap(TestGuardians.Fabric));
        Assert.Equal(VmKey, kp.Unwrap(TestGuardians.OtherFabric));
        Assert.True(kp.IsWrappedFor(TestGuardians.Fabric.PublicKeys));
        Assert.False(kp.IsWrappedFor(TestGuardians.Stranger.PublicKeys));
    }

    [Fact]
    public void Unwrap_ByUnlistedGuardian_IsRefused()
    {
        Assert.Throws<GuardianNotListedException>(() => Create().Unwrap(TestGuardians.Stranger));
    }

    [Fact]
    public void RewrapFor_HostTransportKey_OnlyThatHostCanUnwrap()
    {
        using var host = RSA.Create(2048);
        var kp = Create();

        var forHost = kp.RewrapFor(TestGuardians.Fabric, host);

        Assert.Equal(VmKey, KeyWrap.Unwrap(forHost, host));
        using var otherHost = RSA.Create(2048);
        Assert.Throws<CryptographicException>(() => KeyWrap.Unwrap(forHost, otherHost));
        Assert.Throws<GuardianNotListedException>(() => kp.RewrapFor(TestGuardians.Stranger, host));
    }

    [Fact]
    public void RewrapFor_WeakHostKey_IsRefused()
    {
        using var weak = RSA.Create(1024);

        Assert.Throws<ArgumentException>(() => Create().RewrapFor(TestGuardians.Fabric, weak));
    }

    [Fact]
    public void Create_KeyOfWrongLength_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => KeyProtector.Create(TestGuardians.Owner.PublicKeys, [TestGuardians.Fabric.PublicKeys], new byte[16]));
    }

    [Fact]
    public void Unwrap_AfterIdChanged_FailsTheCommitment()
    {
        var bytes = Create().ToArray();
        bytes[6] ^= 0x01; // first byte of the id, right after magic and version

        var ex = Assert.Throws<KeyProtectorFormatException>(() => KeyProtector.Read(bytes).Unwrap(TestGuardians.Fabric));

        Assert.Equal(ShieldingFormatError.CommitmentMismatch, ex.Error);
    }

    [Fact]
    public void Unwrap_WrappedKeyReplacedByAnotherKeysWrap_FailsTheCommitment()
    {
        var original = Create();
        var other = KeyProtector.Create(TestGuardians.Owner.PublicKeys, [TestGuardians.Fabric.PublicKeys, TestGuardians.OtherFabric.PublicKeys], KeyProtector.GenerateKey());
        var bytes = original.ToArray();
        var otherBytes = other.ToArray();
        // The last wrapped key (for OtherFabric) sits right before the 32-byte commitment in both files.
        var wrapLength = TestGuardians.OtherFabric.PublicKeys.WrappedKeyLength;
        otherBytes.AsSpan(otherBytes.Length - 32 - wrapLength, wrapLength).CopyTo(bytes.AsSpan(bytes.Length - 32 - wrapLength));

        var ex = Assert.Throws<KeyProtectorFormatException>(() => KeyProtector.Read(bytes).Unwrap(TestGuardians.OtherFabric));

        Assert.Equal(ShieldingFormatError.CommitmentMismatch, ex.Error);
        var forFabric = Assert.Throws<KeyProtectorFormatException>(() => KeyProtector.Read(bytes).Unwrap(TestGuardians.Fabric));
        Assert.Equal(ShieldingFormatError.CommitmentMismatch, forFabric.Error);
    }

    [Fact]
    public void Unwrap_AnyFlippedByte_IsRefusedAtReadOrUnwrap()
    {
        var bytes = Create().ToArray();
        for (var i = 0; i < bytes.Length; i += 7)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= 0x10;

            var refused = false;
            try
            {
                KeyProtector.Read(changed).Unwrap(TestGuardians.Fabric);
            }
            catch (ShieldingFormatException)
            {
                refused = true;
            }

            Assert.True(refused, $"flipping byte {i} went unnoticed");
        }
    }

    [Fact]
    public void Read_Garbage_SaysWrongMagic()
    {
        var ex = Assert.Throws<KeyProtectorFormatException>(() => KeyProtector.Read("NOPE"u8));

        Assert.Equal(ShieldingFormatError.WrongMagic, ex.Error);
    }
}
