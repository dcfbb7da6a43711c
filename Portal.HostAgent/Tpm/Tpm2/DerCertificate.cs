namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>An EK certificate as NV holds it: the DER, possibly followed by padding up to the NV area's size.</summary>
public static class DerCertificate
{
    /// <summary>The DER SEQUENCE at the start of <paramref name="nv"/>, cut to the length its header gives; null when there is none.</summary>
    public static byte[]? Trim(ReadOnlySpan<byte> nv)
    {
        if (nv.Length < 2 || nv[0] != 0x30)
        {
            return null;
        }

        int header, length;
        if (nv[1] < 0x80)
        {
            header = 2;
            length = nv[1];
        }
        else
        {
            var lengthBytes = nv[1] & 0x7F;
            if (lengthBytes is 0 or > 3 || nv.Length < 2 + lengthBytes)
            {
                return null;
            }

            header = 2 + lengthBytes;
            length = 0;
            foreach (var b in nv[2..header])
            {
                length = (length << 8) | b;
            }
        }

        return header + length <= nv.Length ? nv[..(header + length)].ToArray() : null;
    }
}
