using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Core.Quotas;

namespace Portal.Web.Components.Controls;

/// <summary>What a confirmation dialog asks before a destructive action.</summary>
public sealed record Confirmation(string Title, string Message, string Button);

/// <summary>
/// Confirm → run → say what happened, once for every page: a refused action (a domain rule, a quota, a conflict)
/// becomes the page's message in the words the rule used; anything else (a database outage) is not caught here.
/// Shown by <see cref="PageMessage"/>.
/// </summary>
public sealed class PageActions(IDialogService dialogs)
{
    public string? Message { get; private set; }

    public bool IsError { get; private set; }

    /// <summary>True while an action runs, to show a busy button.</summary>
    public bool Busy { get; private set; }

    /// <summary>
    /// Asks <paramref name="confirm"/> first (when given), then runs <paramref name="action"/>, whose result is the
    /// success message. Returns false when cancelled or refused.
    /// </summary>
    public async Task<bool> RunAsync(Func<Task<string>> action, Confirmation? confirm = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (confirm is not null)
        {
            var answer = await dialogs.ConfirmAsync(confirm.Title, confirm.Message, confirm.Button);
            if (answer.Cancelled)
            {
                return false;
            }
        }

        Busy = true;
        try
        {
            Show(await action(), error: false);
            return true;
        }
        catch (DomainException e)
        {
            Show(Describe(e), error: true);
            return false;
        }
        finally
        {
            Busy = false;
        }
    }

    public void Show(string message, bool error)
    {
        Message = message;
        IsError = error;
    }

    public void Clear() => Message = null;

    /// <summary>A refusal in words: every validation message, every exceeded quota with its numbers.</summary>
    public static string Describe(DomainException e) => e switch
    {
        DomainValidationException v => string.Join(" ", v.Errors.Values.SelectMany(m => m)),
        QuotaExceededException q => string.Join(" ", q.Exceeded.Select(x => x.Message)),
        _ => e.Message,
    };
}
