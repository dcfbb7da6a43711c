namespace Portal.E2E.Tests.Infrastructure;

/// <summary>A plain portal on its own PostgreSQL database.</summary>
public sealed class PortalFixture : PortalFixtureBase;
