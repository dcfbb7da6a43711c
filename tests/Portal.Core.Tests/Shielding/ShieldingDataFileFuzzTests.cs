using System.Diagnostics;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.KeyProtectors;

namespace Portal.Core.Tests.Shielding;

/// <summary>
/// Seeded random mutations of valid files: each parse must either succeed or throw the format's own exception —
/// never another exception, never hang — and stay fast whatever the lengths inside claim.
/// </summary>
public class ShieldingDataFileFuzzTests
{
    private const int Iterations = 3000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadPublic_RandomMutations_OnlyEverThrowShieldingDataFormatException(int seed)
    {
        var valid = TestGuardians.ValidPdk;
        var random = new Random(seed);
        var accepted = 0;
        var slowest = TimeSpan.Zero;

        for (var i = 0; i < Iterations; i++)
        {
            var mutated = Mutate(valid, random);
            var watch = Stopwatch.StartNew();
            var ex = Record.Exception(() => ShieldingDataFile.ReadPublic(mutated));
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;

            if (ex is null)
            {
                accepted++;
                Assert.Equal(valid, mutated); // only an unchanged file may pass: every change breaks the signature
            }
            else
            {
                Assert.True(ex is ShieldingDataFormatException, $"seed {seed} iteration {i}: {ex.GetType().Name}: {ex.Message}");
                Assert.DoesNotContain('\n', ex.Message);
            }
        }

        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest parse took {slowest}");
        Assert.True(accepted < Iterations / 10, $"{accepted} mutated files accepted");
    }

    [Fact]
    public void Read_OtherFormats_RandomMutations_OnlyEverThrowTheirFormatException()
    {
        var random = new Random(42);
        var catalog = TestGuardians.Catalog.ToArray();
        var kp = KeyProtector.Create(TestGuardians.Owner.PublicKeys, [TestGuardians.Fabric.PublicKeys], KeyProtector.GenerateKey()).ToArray();
        var metadata = GuardianMetadata.WriteUtf8(TestGuardians.Fabric);

        for (var i = 0; i < 1000; i++)
        {
            AssertOnly<VolumeSignatureCatalogFormatException>(() => VolumeSignatureCatalog.Read(Mutate(catalog, random)));
            AssertOnly<KeyProtectorFormatException>(() => KeyProtector.Read(Mutate(kp, random)));
            AssertOnly<GuardianFormatException>(() => GuardianMetadata.Parse(Mutate(metadata, random)));
        }
    }

    [Fact]
    public void ReadPublic_RandomBytes_AreRefusedQuickly()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 2048)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 6)
            {
                "TPDK\0\u0001"u8.CopyTo(bytes); // get past the header to exercise the field parsers
            }

            AssertOnly<ShieldingDataFormatException>(() => ShieldingDataFile.ReadPublic(bytes));
        }
    }

    private static void AssertOnly<TException>(Action parse)
        where TException : Exception
    {
        var ex = Record.Exception(parse);
        Assert.True(ex is null or TException, $"{ex?.GetType().Name}: {ex?.Message}");
    }

    /// <summary>One to four edits: flip bits, overwrite with boundary values, insert, delete, truncate or duplicate.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)new[] { 0x00, 0x01, 0x7F, 0x80, 0xFF }[random.Next(5)];
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    bytes.RemoveAt(at);
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++)
                    {
                        bytes[at + k] = 0xFF;
                    }

                    break;
                default:
                    var length = Math.Min(random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }
}
