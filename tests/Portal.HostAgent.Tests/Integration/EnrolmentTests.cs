using Portal.Testing;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>The agent's process as a container supervisor sees it.</summary>
public sealed class EnrolmentTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"agent-enrolment-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task NoTokenAndNoCredential_ExitsZeroSayingHowToEnrol_SoOnFailureRestartsLeaveItStopped()
    {
        await using var agent = ChildProcess.StartBuilt("agent", "Portal.HostAgent.dll",
        [
            "--HostAgent:PortalUrl=http://127.0.0.1:9/",
            "--HostAgent:HostName=not-enrolled",
            $"--HostAgent:DataFolder={_folder}",
        ]);

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"The agent still runs:\n{agent.Output}");
        Assert.True(agent.ExitCode == 0, $"exit code {agent.ExitCode}:\n{agent.Output}");
        Assert.Contains("HostAgent:JoinToken is empty", agent.Output, StringComparison.Ordinal);
        Assert.Contains("join token on the portal's Fabric page", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", agent.Output, StringComparison.Ordinal);
    }
}
