namespace Portal.Core.Shielding.DataFiles;

/// <summary>A small named file sealed in a shielding data file (e.g. a script the answer file runs). Never logged.</summary>
public sealed class SecretFile
{
    public const int NameMaxLength = 128;

    public const int MaxBytes = 256 * 1024;

    private readonly byte[] _content;

    public SecretFile(string name, ReadOnlySpan<byte> content)
    {
        Binary.TextRules.Require(name, nameof(name), 1, NameMaxLength);
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException("A sealed file's name must be a file name, not a path.", nameof(name));
        }

        if (content.Length > MaxBytes)
        {
            throw new ArgumentException($"A sealed file may hold at most {MaxBytes} bytes.", nameof(content));
        }

        Name = name;
        _content = content.ToArray();
    }

    public string Name { get; }

    public ReadOnlyMemory<byte> Content => _content;

    public override string ToString() => $"{Name} ({_content.Length} bytes)";
}
