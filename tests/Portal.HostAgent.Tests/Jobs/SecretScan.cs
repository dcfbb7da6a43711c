using System.Text;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>Looks for a secret in every file under a folder: as UTF-8, UTF-16, base64 (at every alignment) and hex.</summary>
internal static class SecretScan
{
    public static IReadOnlyList<string> Find(string folder, byte[] secret)
    {
        var forms = Forms(secret);
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var content = File.ReadAllBytes(file);
            hits.AddRange(forms.Where(f => content.AsSpan().IndexOf(f.Bytes) >= 0).Select(f => $"{Path.GetRelativePath(folder, file)} ({f.Name})"));
        }

        return hits;
    }

    public static IReadOnlyList<string> Find(string folder, string secret) => Find(folder, Encoding.UTF8.GetBytes(secret));

    private static List<(string Name, byte[] Bytes)> Forms(byte[] secret)
    {
        var forms = new List<(string, byte[])>
        {
            ("plain", secret),
            ("hex", Encoding.ASCII.GetBytes(Convert.ToHexString(secret))),
            ("hex lower", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret))),
        };
        var text = Encoding.UTF8.GetString(secret);
        if (!text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            forms.Add(("UTF-16", Encoding.Unicode.GetBytes(text)));
        }

        // A secret inside a larger base64 text starts at one of three byte alignments; the inner characters match at one.
        for (var skip = 0; skip < 3; skip++)
        {
            var encoded = Convert.ToBase64String(secret[skip..]).TrimEnd('=');
            forms.Add(($"base64 +{skip}", Encoding.ASCII.GetBytes(encoded[..^2])));
        }

        return forms;
    }
}
