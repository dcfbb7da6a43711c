using Portal.Cli;

namespace Portal.E2E.Tests.ShieldingData;

/// <summary>A folder on someone's own machine where they run <c>tenantportal</c> (in-process, exactly as the command line does).</summary>
public sealed class Tool(string owner) : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory($"tenantportal-{owner}-").FullName;

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    /// <summary>Runs one command and fails the test with the tool's own error line unless it succeeds.</summary>
    public string Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, TimeProvider.System);
        Assert.True(code == 0, $"tenantportal {string.Join(' ', args)} → {code}: {error}");
        return output.ToString();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
