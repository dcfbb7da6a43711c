using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Portal.HostAgent.Fabric;

/// <summary>Who this host is in the fabric: written once at join, read at every start.</summary>
public sealed record HostMembership(Guid HostId, string HostName, Uri PortalUrl, string Credential);

/// <summary>
/// Keeps the host credential in <c>{DataFolder}/fabric/host.json</c>, readable by the agent's user only (0600, folder
/// 0700). The credential is never logged.
/// </summary>
public sealed class HostCredentialStore(IOptions<HostAgentOptions> options)
{
    public const string FileName = "host.json";

    public string Path => System.IO.Path.Combine(System.IO.Path.GetFullPath(options.Value.DataFolder), "fabric", FileName);

    public HostMembership? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<HostMembership>(File.ReadAllBytes(Path), JsonSerializerOptions.Web)
            ?? throw new InvalidDataException($"{Path} is empty or damaged; remove it and join again with a new token.");
    }

    public void Save(HostMembership membership)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = Path + ".tmp";
        File.Delete(temporary);
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, file))
        {
            JsonSerializer.Serialize(stream, membership, JsonSerializerOptions.Web);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
