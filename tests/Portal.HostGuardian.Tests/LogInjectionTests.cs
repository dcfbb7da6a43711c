using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Logging;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class LogInjectionTests : IDisposable
{
    private const string Forged = "Information Portal.HostGuardian.Attestation.AttestationService FAKE host-1 passed";

    private readonly HgsTestHost _hgs = new();

    public void Dispose() => _hgs.Dispose();

    [Theory]
    [InlineData("host-1\r\nFAKE")]
    [InlineData("host-1\nFAKE")]
    [InlineData("host-1\rFAKE")]
    [InlineData("host-1\u2028FAKE")]
    [InlineData("host 1")]
    public async Task Attest_HostNameWithLineBreakOrControlCharacter_Is400SayingWhatIsAllowed(string hostName)
    {
        using var agent = new TestAgent(_hgs, "host-1");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, hostName, await Evidence.ChallengeAsync(client));

        using var response = await client.PostAsJsonAsync(HgsRoutes.Attest, request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var messages = problem.GetProperty("errors").GetProperty("hostName").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("letters, digits, '-', '.' and '_' only", Assert.Single(messages));
    }

    [Fact]
    public async Task Attest_HostNameWithCrLf_WritesNoForgedLogLine()
    {
        using var agent = new TestAgent(_hgs, "host-1");
        var client = _hgs.CreateClient();
        var request = await Evidence.TpmAsync(agent, "host-1\r\n" + Forged, await Evidence.ChallengeAsync(client));

        using var response = await client.PostAsJsonAsync(HgsRoutes.Attest, request);

        AssertNoLineStartsWith("FAKE");
        AssertNoLineStartsWith(Forged);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Attest_HostGroupWithCrLf_Is400AndWritesNoForgedLogLine()
    {
        using var agent = new TestAgent(_hgs, "host-1");
        var client = _hgs.CreateClient();
        var request = new AttestationRequest(AttestationMode.AdminTrusted, "host-1", await Evidence.ChallengeAsync(client), agent.Transport.PublicKey.ToArray(),
            AdminTrusted: new AdminTrustedEvidence("group\r\n" + Forged, new byte[32]));

        using var response = await client.PostAsJsonAsync(HgsRoutes.Attest, request);

        AssertNoLineStartsWith("FAKE");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateHostGroup_NameWithCrLf_IsValidationProblem()
    {
        using var response = await _hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/host-groups", new HostGroupRequest("group\r\nFAKE"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RegisterHost_NameWithCrLf_IsValidationProblem()
    {
        using var agent = new TestAgent(_hgs, "host-1");
        await agent.Tpm.InitializeAsync(CancellationToken.None);

        using var response = await _hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/hosts",
            new RegisterHostRequest("host-1\r\nFAKE", AttestationMode.TpmTrusted, agent.Tpm.EndorsementKey.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("letters, digits", await response.Content.ReadAsStringAsync());
        AssertNoLineStartsWith("FAKE");
    }

    [Theory]
    [InlineData("host-1\r\nFAKE", "host-1\\u000D\\u000AFAKE")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("nel\u0085x", "nel\\u0085x")]
    [InlineData("ls\u2028ps\u2029", "ls\\u2028ps\\u2029")]
    [InlineData("esc\u001B[31m", "esc\\u001B[31m")]
    [InlineData("plain-host.example_1", "plain-host.example_1")]
    public void LogValue_EscapesEveryCharacterThatCouldBreakALine(string value, string logged)
    {
        Assert.Equal(logged, LogValue.Safe(value));
    }

    [Fact]
    public void LogValue_CutsOverlongValues()
    {
        var safe = LogValue.Safe(new string('a', 10_000))!;

        Assert.Equal(LogValue.MaxLength + 1, safe.Length);
        Assert.EndsWith("…", safe);
        Assert.Null(LogValue.Safe(null));
    }

    private void AssertNoLineStartsWith(string prefix)
    {
        var lines = _hgs.Logs.Text.Split(['\r', '\n', '\u2028', '\u2029', '\u0085']);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith(prefix, StringComparison.Ordinal));
    }
}
