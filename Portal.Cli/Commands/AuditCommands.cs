using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Auditing;

namespace Portal.Cli.Commands;

/// <summary><c>audit verify</c>: download a portal's audit chain and check every link here, trusting nothing the portal says about it.</summary>
internal static class AuditCommands
{
    public static readonly CommandSpec Verify = new(
        "audit verify",
        "Download a portal's audit log chain (provider admin token) and check every hash link locally; exit 1 at the first broken link.",
        "tenantportal audit verify --portal URL --token-file FILE [--expect-head HASH]",
        ["portal", "token-file", "expect-head"], [], [], [], RunVerify);

    private const string ChainPath = "api/admin/v1/audit/chain";
    private const int PageSize = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static int RunVerify(ParsedArguments args, CliContext context)
    {
        var portal = PortalAddress(args.Required("portal"));
        var tokenFile = args.Required("token-file");
        var expectedHead = args.Optional("expect-head");
        if (expectedHead is not null && (expectedHead.Length != AuditChain.HashLength || !expectedHead.All(Uri.IsHexDigit)))
        {
            throw CliException.Usage($"--expect-head must be a hash of {AuditChain.HashLength} hexadecimal characters.");
        }

        // From a file, as every secret of this tool: a token on the command line would show in the process list and history.
        var token = CliFiles.ReadSecretLine(tokenFile, "token file");

        using var client = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var verifier = new AuditChainVerifier(expectedHead);
        long total = 0;
        for (Uri? next = new(portal, $"{ChainPath}?after=0&top={PageSize}"); next is not null;)
        {
            var page = Fetch(client, next);
            total = page.Total;
            if (!page.Items.All(verifier.Add))
            {
                break;
            }

            next = page.NextLink is null ? null : SameOrigin(portal, new Uri(portal, page.NextLink));
        }

        var report = verifier.Finish(headSequence: total);
        context.Out.WriteLine($"Portal:          {portal}");
        context.Out.WriteLine($"Entries checked: {report.Count}");
        if (report.Break is { } broken)
        {
            throw new CliException(ExitCodes.InvalidInput,
                $"the audit chain is broken: {broken.Message}{(broken.EntryId is { } id ? $" (entry id {id})" : "")}.");
        }

        context.Out.WriteLine("Audit chain:     intact");
        context.Out.WriteLine($"Head:            entry {report.HeadSequence}, {report.HeadHash}");
        if (expectedHead is not null)
        {
            context.Out.WriteLine($"Expected head:   {expectedHead.ToLowerInvariant()} is in the chain");
        }

        return ExitCodes.Success;
    }

    private static Uri PortalAddress(string value)
    {
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Query))
        {
            throw CliException.Usage("--portal must be the portal's address, e.g. https://portal.example.com.");
        }

        // The token is a provider admin's: it crosses a network only encrypted.
        return uri.Scheme == "http" && !uri.IsLoopback
            ? throw CliException.Usage("--portal must use https (plain http only to this machine).")
            : uri;
    }

    // A next link that pointed elsewhere would carry the token to another server.
    private static Uri SameOrigin(Uri portal, Uri next) =>
        Uri.Compare(portal, next, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : throw new CliException(ExitCodes.PortalError, $"the portal's next page points to another server ({next.GetLeftPart(UriPartial.Authority)}).");

    private static ChainPage Fetch(HttpClient client, Uri url)
    {
        try
        {
            using var response = client.GetAsync(url).GetAwaiter().GetResult();
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new CliException(ExitCodes.AccessDenied,
                    $"the portal refused the token ({(int)response.StatusCode}): it must be a provider admin's, and current.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new CliException(ExitCodes.PortalError, $"the portal answered {(int)response.StatusCode} {response.ReasonPhrase} for {url.AbsolutePath}.");
            }

            return response.Content.ReadFromJsonAsync<ChainPage>(Json).GetAwaiter().GetResult()
                ?? throw new CliException(ExitCodes.PortalError, "the portal answered an empty page.");
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.PortalError, $"cannot reach the portal at {client.BaseAddress}: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CliException(ExitCodes.PortalError, $"the portal at {client.BaseAddress} did not answer in time.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.PortalError, $"the portal's answer is not an audit chain page: {e.Message}");
        }
    }

    private sealed record ChainPage(IReadOnlyList<ChainedAuditEntry> Items, long Total, string? NextLink);
}
