using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Portal.Web.Components.Controls;

/// <summary>
/// Edits an <see cref="int"/>. It never clamps: a value out of range reaches the form, whose validation says what is
/// wrong in words. Text that is not a whole number is not passed on; the field itself says so.
/// </summary>
public partial class NumberField
{
    private string? _text;
    private int _shown;
    private string? _parseError;

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    [Parameter, EditorRequired]
    public string Label { get; set; } = "";

    [Parameter]
    public int Value { get; set; }

    [Parameter]
    public EventCallback<int> ValueChanged { get; set; }

    /// <summary>Only a hint for the browser's spin buttons; the range is checked by whoever validates the value.</summary>
    [Parameter]
    public int? Min { get; set; }

    [Parameter]
    public int? Max { get; set; }

    [Parameter]
    public bool Disabled { get; set; }

    /// <summary>Shown instead of the number while disabled (e.g. "unlimited"); the number comes back when enabled.</summary>
    [Parameter]
    public string? DisabledText { get; set; }

    [Parameter]
    public bool Required { get; set; }

    [Parameter]
    public string? Message { get; set; }

    [Parameter]
    public MessageState? MessageState { get; set; }

    protected override void OnParametersSet()
    {
        // Keep what the user is typing ("0" on the way to "08") unless the value really changed from outside.
        if (_text is null || Value != _shown)
        {
            _text = Value.ToString(CultureInfo.InvariantCulture);
            _shown = Value;
            _parseError = null;
        }
    }

    private async Task OnTextChangedAsync(string? text)
    {
        _text = text;
        if (!int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            _parseError = string.IsNullOrWhiteSpace(text) ? "Enter a number." : "Enter a whole number, such as 8.";
            return;
        }

        _parseError = null;
        _shown = value;
        await ValueChanged.InvokeAsync(value);
    }
}
