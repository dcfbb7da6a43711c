using Microsoft.AspNetCore.Components;
using Portal.Core.Auditing;

namespace Portal.Web.Features.Audit;

/// <summary>The provider's audit log, with a check of its hash chain on demand.</summary>
public partial class AdminAuditPage
{
    private AuditChainReport? _report;
    private DateTimeOffset _checkedAt;
    private bool _verifying;

    [Inject]
    private AuditChainVerification Chain { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private async Task VerifyAsync()
    {
        _verifying = true;
        try
        {
            _report = await Chain.VerifyAsync(CancellationToken.None);
            _checkedAt = Time.GetUtcNow();
        }
        finally
        {
            _verifying = false;
        }
    }

    private static string Sentence(string message) => char.ToUpperInvariant(message[0]) + message[1..] + ".";
}
