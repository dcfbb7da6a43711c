namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Sign-up details no other test uses, so tests sharing a database never collide.</summary>
public sealed record TestTenant(string Organization, string DisplayName, string Email, string Password)
{
    public const string StrongPassword = "Shielded-Vm-Owner-42";

    public static TestTenant New(string name = "Dana Tenant")
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new TestTenant($"Contoso {id}", name, $"tenant-{id}@e2e.test", StrongPassword);
    }
}
