using System.Net;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Common;

namespace Portal.HostGuardian.AdminPages.Controls;

/// <summary>What a confirmation dialog asks before a destructive action.</summary>
public sealed record HgsConfirmation(string Title, string Message, string Button);

/// <summary>
/// The HGS admin pages' one way to reach the use cases: each read and each action gets its own DI scope (so its own
/// <c>HgsDbContext</c>), never one living as long as the circuit. Actions confirm first when asked, and a refusal
/// (validation, not found, conflict) becomes the page's message in the rule's words; anything else is not caught here.
/// </summary>
public sealed class HgsPageActions(IDialogService dialogs, IServiceScopeFactory scopes)
{
    public string? Message { get; private set; }

    public bool IsError { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>Runs a read in a scope of its own.</summary>
    public async Task<T> QueryAsync<TService, T>(Func<TService, Task<T>> query)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var scope = scopes.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Asks first (when <paramref name="confirm"/> is given), then runs the action, whose result is the success message. False when cancelled or refused.</summary>
    public async Task<bool> RunAsync<TService>(Func<TService, Task<string>> action, HgsConfirmation? confirm = null)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(action);
        if (confirm is not null)
        {
            // Fluent renders the message as HTML (refusing, by ending the circuit, all but a few tags): names go in as text.
            var answer = await dialogs.ShowConfirmationAsync(
                message: WebUtility.HtmlEncode(confirm.Message), title: confirm.Title, primaryButton: confirm.Button, secondaryButton: "Cancel");
            if (answer.Cancelled)
            {
                return false;
            }
        }

        Busy = true;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            Show(await action(scope.ServiceProvider.GetRequiredService<TService>()), error: false);
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

    public void Clear()
    {
        Message = null;
        IsError = false;
    }

    private static string Describe(DomainException e) => e switch
    {
        DomainValidationException v => string.Join(" ", v.Errors.Values.SelectMany(m => m)),
        _ => e.Message,
    };
}
