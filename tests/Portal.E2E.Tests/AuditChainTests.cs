using System.Net.Http.Json;
using Microsoft.Playwright;
using Npgsql;
using Portal.Cli;
using Portal.Core.Auditing;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.Web.Features.ApiTokens;

namespace Portal.E2E.Tests;

/// <summary>
/// The audit log's hash chain checked from outside: by a provider admin on the audit page, and by
/// <c>tenantportal audit verify</c>, which downloads the chain over HTTP and checks every link itself.
/// </summary>
public sealed class AuditChainTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tenantportal-audit-").FullName;

    [Fact]
    public async Task AdminAuditPage_VerifyTheChain_ShowsAGreenBadgeWithTheHead()
    {
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var audit = new AdminAuditPage(Page);
        await audit.OpenAsync();
        using var admin = await Portal.AdminApiAsync();
        var report = (await admin.GetFromJsonAsync<AuditChainReport>("/api/admin/v1/audit/verification"))!;

        await audit.VerifyAsync();

        await Assertions.Expect(audit.Verification).ToHaveAttributeAsync("data-intact", "true");
        await Assertions.Expect(audit.Verdict).ToHaveTextAsync("Chain intact");
        await Assertions.Expect(audit.Head).ToHaveTextAsync(report.HeadHash);
        await Assertions.Expect(audit.Verification).ToContainTextAsync($"Head: entry {report.HeadSequence}");
        await SaveScreenshotAsync(Page, "admin-audit-verified.png");
    }

    [Fact]
    public async Task AdminAuditPage_AfterAnEdit_ShowsARedBadgeNamingTheEntry()
    {
        var victim = await NewEntryAsync("page victim");
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var audit = new AdminAuditPage(Page);
        await audit.OpenAsync();

        await TamperTargetAsync(victim, "rewritten");
        try
        {
            await audit.VerifyAsync();

            await Assertions.Expect(audit.Verification).ToHaveAttributeAsync("data-intact", "false");
            await Assertions.Expect(audit.Verdict).ToHaveTextAsync("Chain broken");
            await Assertions.Expect(audit.Break).ToHaveTextAsync(
                $"Entry {victim.Sequence}'s hash does not match its contents. (entry id {victim.Id})");
        }
        finally
        {
            await TamperTargetAsync(victim, victim.Target);
        }
    }

    [Fact]
    public async Task Cli_AuditVerify_ChecksTheChainLocally_AndFindsAnEditedRow()
    {
        var victim = await NewEntryAsync("cli victim");
        await NewEntryAsync("after the victim");
        var tokenFile = await AdminTokenFileAsync();

        var intact = Run("audit", "verify", "--portal", Portal.BaseAddress.ToString(), "--token-file", tokenFile);
        var head = intact.Output.Split('\n').Single(l => l.StartsWith("Head:", StringComparison.Ordinal)).Split(", ")[1].Trim();
        var stillThere = Run("audit", "verify", "--portal", Portal.BaseAddress.ToString(), "--token-file", tokenFile, "--expect-head", head);
        await TamperTargetAsync(victim, "rewritten by the CLI test");
        CliRun broken;
        try
        {
            broken = Run("audit", "verify", "--portal", Portal.BaseAddress.ToString(), "--token-file", tokenFile);
        }
        finally
        {
            await TamperTargetAsync(victim, victim.Target);
        }

        Assert.True(intact.Code == ExitCodes.Success, intact.Error);
        Assert.Contains("Audit chain:     intact", intact.Output);
        Assert.Matches("^[0-9a-f]{64}$", head);
        Assert.Equal(ExitCodes.Success, stillThere.Code);
        Assert.Equal(ExitCodes.InvalidInput, broken.Code);
        Assert.Equal($"tenantportal: error: the audit chain is broken: entry {victim.Sequence}'s hash does not match its contents (entry id {victim.Id}).",
            broken.Error.Trim());
        Assert.Contains($"Entries checked: {victim.Sequence - 1}", broken.Output);
    }

    [Fact]
    public async Task Cli_AuditVerify_WithAHeadThatIsNoLongerInTheChain_Fails()
    {
        var tokenFile = await AdminTokenFileAsync();
        var forgotten = new string('e', 64);

        var result = Run("audit", "verify", "--portal", Portal.BaseAddress.ToString(), "--token-file", tokenFile, "--expect-head", forgotten);

        Assert.Equal(ExitCodes.InvalidInput, result.Code);
        Assert.Contains($"no entry has the head hash recorded earlier ({forgotten})", result.Error);
    }

    [Fact]
    public async Task Cli_AuditVerify_WithATenantsToken_IsRefused()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(Page).SignUpAsync(tenant);
        using var client = new HttpClient { BaseAddress = Portal.BaseAddress };
        var session = await client.PostAsJsonAsync("/api/v1/auth/token", new Portal.Web.Features.Account.TokenRequest(tenant.Email, tenant.Password));
        var token = (await session.Content.ReadFromJsonAsync<Portal.Web.Features.Account.SessionTokenResponse>())!.AccessToken;
        var tokenFile = Path.Combine(_folder, "tenant.token");
        await File.WriteAllTextAsync(tokenFile, token + "\n");

        var result = Run("audit", "verify", "--portal", Portal.BaseAddress.ToString(), "--token-file", tokenFile);

        Assert.Equal(ExitCodes.AccessDenied, result.Code);
        Assert.Contains("refused the token (403)", result.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<ChainedAuditEntry> NewEntryAsync(string name)
    {
        using var admin = await Portal.AdminApiAsync();
        var marker = $"{name} {Guid.NewGuid():N}";
        (await admin.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest(marker, 30))).EnsureSuccessStatusCode();
        for (string? next = "/api/admin/v1/audit/chain?top=1000"; next is not null;)
        {
            var page = (await admin.GetFromJsonAsync<Portal.Web.Infrastructure.Paging.Page<ChainedAuditEntry>>(next))!;
            if (page.Items.FirstOrDefault(e => e.Target.Contains(marker, StringComparison.Ordinal)) is { } entry)
            {
                return entry;
            }

            next = page.NextLink;
        }

        throw new InvalidOperationException($"No audit entry for {marker}.");
    }

    private async Task<string> AdminTokenFileAsync()
    {
        using var admin = await Portal.AdminApiAsync();
        var path = Path.Combine(_folder, "admin.token");
        await File.WriteAllTextAsync(path, admin.DefaultRequestHeaders.Authorization!.Parameter + "\n");
        return path;
    }

    /// <summary>What someone with the table owner's rights can do: switch the append-only trigger off and edit a row.</summary>
    private async Task TamperTargetAsync(ChainedAuditEntry entry, string target)
    {
        await using var connection = new NpgsqlConnection(Portal.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("""
            ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
            UPDATE audit_log SET "Target" = @target WHERE "Id" = @id;
            ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
            """, connection);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.AddWithValue("id", entry.Id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        await transaction.CommitAsync();
    }

    private static CliRun Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, TimeProvider.System);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    private sealed record CliRun(int Code, string Output, string Error);
}
