using System.Net;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Portal.Web.Components.Controls;

/// <summary>
/// Fluent's message box renders its message as HTML: it renders a few formatting tags and refuses anything else by
/// throwing, which ends the circuit. Our messages carry names people typed, so they go in as text.
/// </summary>
public static class ConfirmationDialogs
{
    public static Task<DialogResult> ConfirmAsync(
        this IDialogService dialogs, string title, string message, string button, string cancel = "Cancel") =>
        dialogs.ShowConfirmationAsync(message: WebUtility.HtmlEncode(message), title: title, primaryButton: button, secondaryButton: cancel);
}
