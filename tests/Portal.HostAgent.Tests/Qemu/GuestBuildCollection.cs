using Portal.Testing;

namespace Portal.HostAgent.Tests.Qemu;

[CollectionDefinition(GuestBuild.Collection)]
public sealed class GuestBuildCollection : ICollectionFixture<GuestBuild>;
