namespace Portal.Cli.Tests;

/// <summary>Wrong inputs: the exit code says which kind, stderr says what in exactly one line, stdout keeps no secret.</summary>
public class CliErrorTests(CliFixture files) : IClassFixture<CliFixture>
{
    private CliWorkspace W => files.Workspace;

    [Fact]
    public void NoArguments_PrintsUsageAndExits2()
    {
        var result = W.Run();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("Commands:", result.Output);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("pdk", "explode")]
    [InlineData("pdk", "show", "x.pdk", "--bogus", "1")]
    [InlineData("pdk", "show")]
    [InlineData("pdk", "show", "a.pdk", "b.pdk")]
    [InlineData("guardian", "new", "--out", "x.json")]
    [InlineData("guardian", "new", "--name", "A", "--name", "B", "--out", "x.json")]
    [InlineData("guardian", "new", "--name")]
    [InlineData("vsc", "sign", "--disk", "d", "--name", "N", "--version", "one", "--signer", "s", "--out", "o")]
    [InlineData("pdk", "show", "x.pdk", "--reveal")]
    public void WrongCommandLine_Exits2WithOneErrorLine(params string[] args)
    {
        var result = W.Run(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        AssertOneErrorLine(result);
        Assert.Contains("--help", result.Error);
    }

    [Fact]
    public void PdkNew_BadPolicyOrQualifierWithoutRule_Exits2()
    {
        var badPolicy = PdkNew("--policy", "Armoured", "--qualifier", files.Catalog + ":Equals");
        var noRule = PdkNew("--policy", "Shielded", "--qualifier", files.Catalog);
        var badRule = PdkNew("--policy", "Shielded", "--qualifier", files.Catalog + ":LessThan");

        Assert.All(new[] { badPolicy, noRule, badRule }, r => Assert.Equal(ExitCodes.Usage, r.ExitCode));
        Assert.Contains("Shielded or EncryptionSupported", badPolicy.Error);
        Assert.Contains("GreaterThanOrEquals", noRule.Error);
    }

    [Fact]
    public void PdkNew_WithoutGuardian_Exits2()
    {
        var result = W.Run("pdk", "new", "--owner", files.Owner, "--qualifier", files.Catalog + ":Equals", "--policy", "Shielded",
            "--admin-password-file", files.PasswordFile, "--out", W.PathOf("none.pdk"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--guardian", result.Error);
    }

    [Fact]
    public void MissingInputFile_Exits3()
    {
        var result = W.Run("pdk", "show", W.PathOf("does-not-exist.pdk"));

        Assert.Equal(ExitCodes.FileError, result.ExitCode);
        AssertOneErrorLine(result);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public void ExistingOutput_IsNotReplacedWithoutForce()
    {
        var before = File.ReadAllBytes(files.Owner);

        var result = W.Run("guardian", "new", "--name", "Again", "--out", files.Owner);

        Assert.Equal(ExitCodes.FileError, result.ExitCode);
        Assert.Contains("--force", result.Error);
        Assert.Equal(before, File.ReadAllBytes(files.Owner));
    }

    [Fact]
    public void PdkShow_TamperedFile_Exits1NamingTheSignature()
    {
        var bytes = File.ReadAllBytes(files.Pdk);
        bytes[bytes.Length / 2] ^= 0x01;
        var tampered = W.Write("tampered.pdk", bytes);

        var result = W.Run("pdk", "show", tampered);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        AssertOneErrorLine(result);
        Assert.Contains("tampered.pdk: Shielding data file:", result.Error);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [InlineData("empty.pdk", "", "empty")]
    [InlineData("text.pdk", "hello world", "magic")]
    public void PdkShow_NotAShieldingDataFile_Exits1(string name, string content, string reason)
    {
        var path = W.Write(name, content);

        var result = W.Run("pdk", "show", path);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(reason, result.Error);
    }

    [Fact]
    public void PdkShow_CatalogGivenInstead_Exits1WrongMagic()
    {
        var result = W.Run("pdk", "show", files.Catalog);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("TPDK", result.Error);
    }

    [Fact]
    public void PdkShow_NeverPrintsTheAdministratorPassword()
    {
        var result = W.RunOk("pdk", "show", files.Pdk);

        Assert.DoesNotContain(CliFixture.PasswordMarker, result.Output);
        Assert.Equal(-1, File.ReadAllBytes(files.Pdk).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(CliFixture.PasswordMarker)));
    }

    [Fact]
    public void PdkOpen_UnlistedGuardian_Exits4()
    {
        var result = W.Run("pdk", "open", files.Pdk, "--guardian", files.Stranger);

        Assert.Equal(ExitCodes.AccessDenied, result.ExitCode);
        AssertOneErrorLine(result);
        Assert.Contains("neither its owner nor one of its guardians", result.Error);
        Assert.DoesNotContain(CliFixture.PasswordMarker, result.Output + result.Error);
    }

    [Fact]
    public void PdkOpen_ListedGuardianWithPassphrase_ListsSecretsWithoutValues()
    {
        var result = W.RunOk("pdk", "open", files.Pdk, "--guardian", files.Fabric, "--passphrase-file", files.PassphraseFile);

        Assert.Contains("administrator password", result.Output);
        Assert.DoesNotContain(CliFixture.PasswordMarker, result.Output);
    }

    [Fact]
    public void EncryptedGuardian_WithoutOrWithWrongPassphrase_Exits4()
    {
        var wrong = W.Write("wrong-passphrase.txt", "not it\n");

        var missing = W.Run("guardian", "export", "--guardian", files.Fabric, "--out", W.PathOf("m1.json"));
        var bad = W.Run("guardian", "export", "--guardian", files.Fabric, "--passphrase-file", wrong, "--out", W.PathOf("m2.json"));

        Assert.Equal(ExitCodes.AccessDenied, missing.ExitCode);
        Assert.Contains("--passphrase-file", missing.Error);
        Assert.Equal(ExitCodes.AccessDenied, bad.ExitCode);
        Assert.Contains("passphrase", bad.Error);
        Assert.False(File.Exists(W.PathOf("m1.json")));
    }

    [Fact]
    public void VscShow_ChangedDisk_Exits1()
    {
        var disk = File.ReadAllBytes(files.Disk);
        disk[12345] ^= 0x80;
        var changed = W.Write("changed.vhdx", disk);

        var result = W.Run("vsc", "show", files.Catalog, "--disk", changed);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("the disk was changed", result.Error);
    }

    [Fact]
    public void PdkNew_TamperedGuardianMetadata_Exits1()
    {
        var metadata = File.ReadAllText(files.FabricMetadata).Replace("Contoso fabric", "Evil fabric", StringComparison.Ordinal);
        var tampered = W.Write("tampered.metadata.json", metadata);

        var result = W.Run("pdk", "new", "--owner", files.Owner, "--guardian", tampered, "--qualifier", files.Catalog + ":Equals",
            "--policy", "Shielded", "--admin-password-file", files.PasswordFile, "--out", W.PathOf("never.pdk"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("signature", result.Error);
        Assert.False(File.Exists(W.PathOf("never.pdk")));
    }

    [Fact]
    public void PdkNew_EmptyPasswordFile_Exits1()
    {
        var empty = W.Write("empty-password.txt", "\n");

        var result = PdkNew("--policy", "Shielded", "--qualifier", files.Catalog + ":Equals", "--admin-password-file", empty);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("one non-empty line", result.Error);
    }

    private CliResult PdkNew(params string[] extra)
    {
        var args = new List<string> { "pdk", "new", "--owner", files.Owner, "--guardian", files.FabricMetadata, "--out", W.PathOf($"{Guid.NewGuid()}.pdk") };
        args.AddRange(extra);
        if (!extra.Contains("--admin-password-file"))
        {
            args.AddRange(["--admin-password-file", files.PasswordFile]);
        }

        return W.Run([.. args]);
    }

    private static void AssertOneErrorLine(CliResult result)
    {
        Assert.StartsWith("tenantportal: error: ", result.Error);
        Assert.Equal(1, result.Error.Count(c => c == '\n'));
    }
}
