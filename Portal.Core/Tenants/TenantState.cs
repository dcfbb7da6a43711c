namespace Portal.Core.Tenants;

public enum TenantState
{
    Active,
    Suspended,
}
