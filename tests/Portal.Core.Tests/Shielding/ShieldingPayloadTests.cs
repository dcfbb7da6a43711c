using Portal.Core.Shielding.DataFiles;

namespace Portal.Core.Tests.Shielding;

public class ShieldingPayloadTests
{
    [Fact]
    public void ToStringAndDescribe_NeverShowSecretValues()
    {
        var payload = ShieldingPayload.Create(TestGuardians.PasswordMarker, "<x>@ComputerName@ @TimeZone@</x>", [9, 9], ["ssh-rsa AAAAmarker"]);

        var text = payload + "\n" + string.Join("\n", payload.Describe());

        Assert.DoesNotContain(TestGuardians.PasswordMarker, text);
        Assert.DoesNotContain("AAAAmarker", text);
        Assert.Contains("administrator password", text);
        Assert.Contains("@ComputerName@, @TimeZone@", text);
    }

    [Fact]
    public void Create_WithNeitherPasswordNorAnswerFile_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ShieldingPayload.Create(null, null));
    }

    [Fact]
    public void Create_AnswerFileAlone_IsEnough()
    {
        Assert.Null(ShieldingPayload.Create(null, "<unattend/>").AdministratorPassword);
    }

    [Fact]
    public void Create_DuplicateFileNames_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ShieldingPayload.Create("pw", files: [new SecretFile("a.txt", [1]), new SecretFile("A.TXT", [2])]));
    }

    [Fact]
    public void Substitutions_AreFoundAndApplied()
    {
        const string answer = "<c>@ComputerName@</c><t>@TimeZone@</t><c2>@ComputerName@</c2><x>@Unknown-1@</x>";

        Assert.Equal(["@ComputerName@", "@TimeZone@", "@Unknown-1@"], AnswerFileSubstitutions.Find(answer));
        var applied = AnswerFileSubstitutions.Apply(answer, new Dictionary<string, string>
        {
            [AnswerFileSubstitutions.ComputerName] = "vm-01",
            [AnswerFileSubstitutions.TimeZone] = "UTC",
        });
        Assert.Equal("<c>vm-01</c><t>UTC</t><c2>vm-01</c2><x>@Unknown-1@</x>", applied);
    }
}
