using System.Net.Http.Json;
using Npgsql;
using Portal.Core.Auditing;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Audit;

/// <summary>The provider admin's view of the audit chain, and an attacker's hands on the table behind it.</summary>
internal static class AuditChainClient
{
    public static async Task<HttpClient> AdminAsync(PortalWebFactory factory) =>
        await (await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword)).ApiClientAsync(factory);

    public static async Task<AuditChainReport> VerifyAsync(this HttpClient admin)
    {
        var response = await admin.GetAsync("/api/admin/v1/audit/verification");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AuditChainReport>())!;
    }

    /// <summary>Every page of the export, following nextLink.</summary>
    public static async Task<List<Page<ChainedAuditEntry>>> ExportAsync(this HttpClient admin, int top = 500)
    {
        var pages = new List<Page<ChainedAuditEntry>>();
        for (string? next = $"/api/admin/v1/audit/chain?top={top}"; next is not null && pages.Count < 1000;)
        {
            var page = (await admin.GetFromJsonAsync<Page<ChainedAuditEntry>>(next))!;
            pages.Add(page);
            next = page.NextLink;
        }

        return pages;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> against the audit log as its owner can: with the append-only trigger switched off for
    /// that one transaction.
    /// </summary>
    public static async Task TamperAsync(PortalWebFactory factory, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(factory.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
        await ExecuteAsync(connection, sql, parameters);
        await ExecuteAsync(connection, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
