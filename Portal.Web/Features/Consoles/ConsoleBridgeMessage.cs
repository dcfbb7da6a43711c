using System.Globalization;
using System.Net.WebSockets;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// What <see cref="ConsoleBridge"/> says on the cluster bus, as <c>|</c>-separated text:
/// <c>open|session|tenant|host|vm|name</c> (a session waits for its host), <c>gone|session</c> (it is over),
/// <c>attach|session|to</c> (the host's socket reached the sender; <c>to</c> holds the viewer), <c>data|session|to|end|base64</c> and
/// <c>close|session|to|status|reason</c> (a bridged session's traffic for process <c>to</c>).
/// </summary>
internal sealed record ConsoleBridgeMessage(string Kind, Guid SessionId, ConsoleTarget? Target, Guid To, ConsoleFrame? Frame)
{
    public const string KindOpen = "open";
    public const string KindGone = "gone";
    public const string KindAttach = "attach";
    public const string KindFrame = "frame";

    public static string Open(Guid sessionId, ConsoleTarget target) =>
        $"open|{sessionId:N}|{target.TenantId:N}|{target.HostId:N}|{target.VmId:N}|{target.VmName}";

    public static string Gone(Guid sessionId) => $"gone|{sessionId:N}";

    public static string Attach(Guid sessionId, Guid to) => $"attach|{sessionId:N}|{to:N}";

    public static string Traffic(Guid sessionId, Guid to, ConsoleFrame frame) => frame.IsClose
        ? $"close|{sessionId:N}|{to:N}|{(int)frame.CloseStatus!.Value}|{frame.Reason}"
        : $"data|{sessionId:N}|{to:N}|{(frame.EndOfMessage ? 1 : 0)}|{Convert.ToBase64String(frame.Data)}";

    /// <summary>The message, or null when it is not one (anyone who may NOTIFY the channel can write anything).</summary>
    public static ConsoleBridgeMessage? Parse(string body)
    {
        var parts = body.Split('|', 6);
        if (parts.Length < 2 || !Guid.TryParseExact(parts[1], "N", out var session))
        {
            return null;
        }

        return parts[0] switch
        {
            "open" when parts.Length == 6 && Ids(parts[2..5]) is [var tenant, var host, var vm] =>
                new(KindOpen, session, new ConsoleTarget(tenant, vm, parts[5], host), Guid.Empty, null),
            "gone" when parts.Length == 2 => new(KindGone, session, null, Guid.Empty, null),
            "attach" when parts.Length == 3 && Guid.TryParseExact(parts[2], "N", out var to) => new(KindAttach, session, null, to, null),
            "data" or "close" => ParseFrame(parts[0], session, body.Split('|', 5)),
            _ => null,
        };
    }

    private static ConsoleBridgeMessage? ParseFrame(string kind, Guid session, string[] parts)
    {
        if (parts.Length != 5 || !Guid.TryParseExact(parts[2], "N", out var to))
        {
            return null;
        }

        if (kind == "close")
        {
            return int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
                ? new(KindFrame, session, null, to, ConsoleFrame.Close((WebSocketCloseStatus)status, parts[4]))
                : null;
        }

        var data = new byte[parts[4].Length * 3 / 4];
        return parts[3] is "0" or "1" && Convert.TryFromBase64String(parts[4], data, out var length) && length <= ConsoleFrame.MaxChunkBytes
            ? new(KindFrame, session, null, to, ConsoleFrame.Bytes(data[..length], parts[3] == "1"))
            : null;
    }

    private static Guid[]? Ids(string[] texts)
    {
        var ids = new Guid[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            if (!Guid.TryParseExact(texts[i], "N", out ids[i]))
            {
                return null;
            }
        }

        return ids;
    }
}
