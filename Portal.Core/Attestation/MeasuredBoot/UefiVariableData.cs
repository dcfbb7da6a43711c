using System.Buffers.Binary;
using System.Text;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// UEFI_VARIABLE_DATA, the data of the EV_EFI_VARIABLE_* events: the variable's vendor GUID (EFI_GUID layout, which is
/// .NET's <see cref="Guid"/> byte order), its name's length in UTF-16 code units, its data's length, the name
/// (UTF-16LE, no terminator) and the data.
/// </summary>
internal sealed record UefiVariableData(Guid VendorGuid, string Name, byte[] Data)
{
    /// <summary>EFI_GLOBAL_VARIABLE: SecureBoot, PK, KEK, BootOrder, Boot####.</summary>
    public static readonly Guid GlobalVariable = new("8BE4DF61-93CA-11D2-AA0D-00E098032B8C");

    /// <summary>EFI_IMAGE_SECURITY_DATABASE_GUID: db and dbx.</summary>
    public static readonly Guid ImageSecurityDatabase = new("D719B2CB-3D3A-4596-A3BC-DAD00E67656F");

    private const int HeaderSize = 16 + 8 + 8;

    private static readonly UnicodeEncoding StrictUtf16 = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);

    public byte[] Encode()
    {
        var name = Encoding.Unicode.GetBytes(Name);
        var writer = new EventLogWriter();
        writer.WriteBytes(VendorGuid.ToByteArray());
        writer.WriteUInt64((ulong)Name.Length);
        writer.WriteUInt64((ulong)Data.Length);
        writer.WriteBytes(name);
        writer.WriteBytes(Data);
        return writer.ToArray();
    }

    /// <summary>Reads event data as a variable; null unless it is exactly one well-formed UEFI_VARIABLE_DATA.</summary>
    public static UefiVariableData? TryParse(ReadOnlySpan<byte> eventData)
    {
        if (eventData.Length < HeaderSize)
        {
            return null;
        }

        var nameChars = BinaryPrimitives.ReadUInt64LittleEndian(eventData[16..]);
        var dataLength = BinaryPrimitives.ReadUInt64LittleEndian(eventData[24..]);
        var rest = (ulong)(eventData.Length - HeaderSize);
        if (nameChars > rest / 2 || dataLength != rest - nameChars * 2)
        {
            return null;
        }

        var nameBytes = eventData.Slice(HeaderSize, (int)nameChars * 2);
        string name;
        try
        {
            name = StrictUtf16.GetString(nameBytes);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return new UefiVariableData(new Guid(eventData[..16]), name, eventData[(HeaderSize + nameBytes.Length)..].ToArray());
    }
}
