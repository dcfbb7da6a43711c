using System.Text;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>UEFI device paths as the simulated firmware writes them into boot variables and image load events.</summary>
internal static class DevicePath
{
    /// <summary>A media file path node (type 4, subtype 4) with a NUL-terminated UTF-16 path, then the end node.</summary>
    public static byte[] File(string path)
    {
        var name = Encoding.Unicode.GetBytes(path + "\0");
        var writer = new EventLogWriter();
        writer.WriteByte(4);
        writer.WriteByte(4);
        writer.WriteUInt16((ushort)(4 + name.Length));
        writer.WriteBytes(name);
        writer.WriteByte(0x7F);
        writer.WriteByte(0xFF);
        writer.WriteUInt16(4);
        return writer.ToArray();
    }
}
