using System.Text.RegularExpressions;

namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// Substitution strings in an answer (unattend) file, e.g. <c>@ComputerName@</c> and <c>@TimeZone@</c>: the fabric fills
/// them in while specialising the VM, so one sealed answer file serves many VMs.
/// </summary>
public static partial class AnswerFileSubstitutions
{
    public const string ComputerName = "@ComputerName@";

    public const string TimeZone = "@TimeZone@";

    public const string ProductKey = "@ProductKey@";

    /// <summary>The distinct substitution strings used in an answer file, in order of first use.</summary>
    public static IReadOnlyList<string> Find(string answerFile)
    {
        ArgumentNullException.ThrowIfNull(answerFile);
        return Placeholder().Matches(answerFile).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Replaces each substitution string that has a value; unknown ones are left as written.</summary>
    public static string Apply(string answerFile, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(answerFile);
        ArgumentNullException.ThrowIfNull(values);
        return Placeholder().Replace(answerFile, m => values.TryGetValue(m.Value, out var value) ? value : m.Value);
    }

    // Bounded by a timeout because answer files come from outside; names are short by construction.
    [GeneratedRegex("@[A-Za-z][A-Za-z0-9-]{0,63}@", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Placeholder();
}
