using System.Text;
using System.Text.Json;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// Reads the small JSON documents of the guardian formats strictly: a size limit before parsing, shallow depth, no
/// unknown, missing or duplicate properties, and one clear <see cref="GuardianFormatException"/> for each problem.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 8,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static JsonDocument Parse(string text, ShieldingFormat format, int maxBytes)
    {
        if (text.Length > maxBytes || Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            throw Fail(format, ShieldingFormatError.TooLarge, $"the file is larger than {maxBytes} bytes.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw Fail(format, ShieldingFormatError.Empty, "the file is empty.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException e)
        {
            throw Fail(format, ShieldingFormatError.Malformed, $"the file is not valid JSON (line {e.LineNumber + 1}).");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Fail(format, ShieldingFormatError.WrongMagic, "the file is not a JSON object.");
        }

        return document;
    }

    /// <summary>The object must have exactly these properties, each once.</summary>
    public static void ExpectProperties(JsonElement obj, ShieldingFormat format, params string[] names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!names.Contains(property.Name, StringComparer.Ordinal))
            {
                throw Fail(format, ShieldingFormatError.Malformed, $"unknown property \"{Shorten(property.Name)}\".");
            }

            if (!seen.Add(property.Name))
            {
                throw Fail(format, ShieldingFormatError.Malformed, $"property \"{property.Name}\" appears twice.");
            }
        }

        var missing = names.FirstOrDefault(n => !seen.Contains(n));
        if (missing is not null)
        {
            throw Fail(format, ShieldingFormatError.Malformed, $"property \"{missing}\" is missing.");
        }
    }

    /// <summary>Checks "format" (a wrong kind of file is WrongMagic) and "version" (UnsupportedVersion).</summary>
    public static void ExpectFormat(JsonElement obj, ShieldingFormat format, string formatName, int version)
    {
        if (!obj.TryGetProperty("format", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != formatName)
        {
            throw Fail(format, ShieldingFormatError.WrongMagic, $"the file is not a \"{formatName}\" document.");
        }

        if (!obj.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var number))
        {
            throw Fail(format, ShieldingFormatError.Malformed, "\"version\" must be a whole number.");
        }

        if (number != version)
        {
            throw Fail(format, ShieldingFormatError.UnsupportedVersion, $"format version {number} is not supported (this tool reads version {version}).");
        }
    }

    public static string GetString(JsonElement obj, string name, ShieldingFormat format) =>
        obj.GetProperty(name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw Fail(format, ShieldingFormatError.Malformed, $"\"{name}\" must be a string.");

    public static bool GetBoolean(JsonElement obj, string name, ShieldingFormat format) =>
        obj.GetProperty(name).ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(format, ShieldingFormatError.Malformed, $"\"{name}\" must be true or false."),
        };

    public static JsonElement GetObject(JsonElement obj, string name, ShieldingFormat format) =>
        obj.GetProperty(name) is { ValueKind: JsonValueKind.Object } value
            ? value
            : throw Fail(format, ShieldingFormatError.Malformed, $"\"{name}\" must be an object.");

    public static byte[] GetBase64(JsonElement obj, string name, ShieldingFormat format, int maxBytes)
    {
        var text = GetString(obj, name, format);
        var buffer = new byte[Math.Min(maxBytes, text.Length * 3 / 4 + 3)];
        return text.Length <= (maxBytes + 2) / 3 * 4 && Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer[..written]
            : throw Fail(format, ShieldingFormatError.Malformed, $"\"{name}\" must be base64 of at most {maxBytes} bytes.");
    }

    private static string Shorten(string text)
    {
        var clean = new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length <= 40 ? clean : clean + "…";
    }

    private static ShieldingFormatException Fail(ShieldingFormat format, ShieldingFormatError error, string detail) =>
        ShieldingFormatException.Create(format, error, detail);
}
