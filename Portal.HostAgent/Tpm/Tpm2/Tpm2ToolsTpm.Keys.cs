namespace Portal.HostAgent.Tpm.Tpm2;

public sealed partial class Tpm2ToolsTpm
{
    private async Task<byte[]> ReadOrCreateEndorsementKeyAsync(CancellationToken ct)
    {
        using var work = Tool.NewWorkFolder();
        var file = work.PathOf("ek.pub");
        if (await HasHandleAsync("handles-persistent", EndorsementKeyHandle, ct))
        {
            await Tool.RunAsync("tpm2_readpublic", ["-c", EndorsementKeyHandle, "-o", file], ct);
        }
        else
        {
            await Tool.RunAsync("tpm2_createek", ["-c", EndorsementKeyHandle, "-G", "rsa", "-u", file], ct);
            await Tool.FlushAsync(ct);
            _logger.LogInformation("Created the endorsement key at {Handle}", EndorsementKeyHandle);
        }

        return work.ReadAndDelete("ek.pub");
    }

    private async Task<byte[]?> ReadEndorsementKeyCertificateAsync(CancellationToken ct)
    {
        if (!await HasHandleAsync("handles-nv-index", EndorsementKeyCertificateIndex, ct))
        {
            return null;
        }

        using var work = Tool.NewWorkFolder();
        await Tool.RunAsync("tpm2_nvread", [EndorsementKeyCertificateIndex, "-o", work.PathOf("cert.der")], ct);
        var nv = work.ReadAndDelete("cert.der");
        var der = DerCertificate.Trim(nv);
        if (der is null)
        {
            _logger.LogWarning("NV index {Index} holds no DER certificate ({Length} bytes); reporting none", EndorsementKeyCertificateIndex, nv.Length);
        }

        return der;
    }

    private async Task<byte[]> ReadOrCreateAttestationKeyAsync(CancellationToken ct)
    {
        using var work = Tool.NewWorkFolder();
        if (await HasHandleAsync("handles-persistent", AttestationKeyHandle, ct))
        {
            await Tool.RunAsync("tpm2_readpublic", ["-c", AttestationKeyHandle, "-o", work.PathOf("ak.pub")], ct);
            return work.ReadAndDelete("ak.pub");
        }

        try
        {
            await Tool.RunAsync("tpm2_createak",
                ["-C", EndorsementKeyHandle, "-c", work.PathOf("ak.ctx"), "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", work.PathOf("ak.pub"), "-n", work.PathOf("ak.name")], ct);
            await Tool.RunAsync("tpm2_evictcontrol", ["-C", "o", "-c", work.PathOf("ak.ctx"), AttestationKeyHandle], ct);
        }
        finally
        {
            await Tool.FlushAfterAsync();
        }

        _logger.LogInformation("Created the attestation key at {Handle}", AttestationKeyHandle);
        return work.ReadAndDelete("ak.pub");
    }

    /// <summary>Whether <c>tpm2_getcap</c> lists <paramref name="handle"/> among <paramref name="capability"/>.</summary>
    private async Task<bool> HasHandleAsync(string capability, string handle, CancellationToken ct)
    {
        var listed = await Tool.RunAsync("tpm2_getcap", [capability], ct);
        var wanted = Convert.ToUInt32(handle, 16);
        return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.TrimStart('-', ' '))
            .Any(value => value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && uint.TryParse(value.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out var listedHandle)
                && listedHandle == wanted);
    }
}
