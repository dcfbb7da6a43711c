using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.RateLimiting;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class AttestationRateLimitTests : IDisposable
{
    private const int Limit = 3;

    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Neighbour = IPAddress.Parse("203.0.113.8");

    private readonly HgsTestHost _hgs = new(s =>
    {
        s["Hgs:AttestationPermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s["Hgs:AttestationRateWindow"] = "00:10:00";
    });

    public void Dispose() => _hgs.Dispose();

    [Fact]
    public async Task Challenge_OverTheLimitFromOneAddress_Is429ProblemWithRetryAfter()
    {
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await PostAsync(HgsRoutes.Challenge, Attacker)).Response.StatusCode);
        }

        var rejected = await PostAsync(HgsRoutes.Challenge, Attacker);

        Assert.Equal(StatusCodes.Status429TooManyRequests, rejected.Response.StatusCode);
        var retryAfter = int.Parse(rejected.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.StartsWith("application/problem+json", rejected.Response.ContentType);
        using var problem = JsonDocument.Parse(rejected.Body);
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("retry after", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Challenge_OverTheLimitFromOneAddress_AnotherAddressIsStillServed()
    {
        for (var i = 0; i <= Limit; i++)
        {
            await PostAsync(HgsRoutes.Challenge, Attacker);
        }

        Assert.Equal(StatusCodes.Status429TooManyRequests, (await PostAsync(HgsRoutes.Challenge, Attacker)).Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (await PostAsync(HgsRoutes.Challenge, Neighbour)).Response.StatusCode);
    }

    [Fact]
    public async Task Attest_SharesTheLimitWithChallenge_AndIsRefusedBeforeItWritesAnything()
    {
        for (var i = 0; i < Limit; i++)
        {
            await PostAsync(HgsRoutes.Challenge, Attacker);
        }

        var rejected = await PostAsync(HgsRoutes.Attest, Attacker, "{}");

        Assert.Equal(StatusCodes.Status429TooManyRequests, rejected.Response.StatusCode);
        Assert.True(rejected.Response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task Challenge_ManyFromOneAddress_StoresAtMostTheLimit()
    {
        for (var i = 0; i < Limit * 10; i++)
        {
            await PostAsync(HgsRoutes.Challenge, Attacker);
        }

        Assert.Equal(Limit, await NonceRows.CountAsync(_hgs));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    public void ClientPartition_CountsAnIpv6Slash64AsOneClient(string first, string second, bool same)
    {
        Assert.Equal(same, ClientPartition.Of(IPAddress.Parse(first)) == ClientPartition.Of(IPAddress.Parse(second)));
    }

    private async Task<(HttpResponse Response, string Body)> PostAsync(string path, IPAddress from, string? json = null)
    {
        var context = await _hgs.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = from;
            if (json is not null)
            {
                c.Request.ContentType = "application/json";
                c.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
            }
        });
        return (context.Response, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
