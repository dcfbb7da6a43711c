using System.Security.Cryptography;

namespace Portal.HostAgent.Tpm;

/// <summary>Loads a host key from the agent's data folder, or creates it there (PKCS#8 PEM, owner-only on Unix).</summary>
internal static class PersistedKeys
{
    public static ECDsa LoadOrCreateEcdsa(string folder, string fileName)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        LoadOrCreate(folder, fileName, () => key.ExportPkcs8PrivateKeyPem(), pem => key.ImportFromPem(pem));
        return key;
    }

    public static ECDiffieHellman LoadOrCreateEcdh(string folder, string fileName)
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        LoadOrCreate(folder, fileName, () => key.ExportPkcs8PrivateKeyPem(), pem => key.ImportFromPem(pem));
        return key;
    }

    public static RSA LoadOrCreateRsa(string folder, string fileName)
    {
        var key = RSA.Create(2048);
        LoadOrCreate(folder, fileName, () => key.ExportPkcs8PrivateKeyPem(), pem => key.ImportFromPem(pem));
        return key;
    }

    private static void LoadOrCreate(string folder, string fileName, Func<string> export, Action<string> import)
    {
        var path = Path.Combine(folder, fileName);
        if (File.Exists(path))
        {
            import(File.ReadAllText(path));
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(path, export());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
