namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// The lines a guest prints on its serial console that the driver acts on (see <c>guest/README.md</c>); each parsed once.
/// Nothing secret is ever in them.
/// </summary>
internal sealed class GuestMarkers
{
    public const string Ready = "TENANTPORTAL-GUEST-READY";
    public const string Waiting = "TENANTPORTAL-SPECIALISE-WAITING";
    public const string Specialised = "TENANTPORTAL-SPECIALISED";
    public const string Failed = "TENANTPORTAL-SPECIALISE-FAILED";
    public const string AlreadySpecialised = "TENANTPORTAL-ALREADY-SPECIALISED";
    public const string PowerOff = "TENANTPORTAL-GUEST-POWEROFF";

    private readonly TaskCompletionSource<string> _ready = New();
    private readonly TaskCompletionSource<string?> _firstBoot = New<string?>();
    private readonly TaskCompletionSource<string> _specialised = New();

    /// <summary>The READY line (its details: tpm0, virtio ports, root, kernel).</summary>
    public Task<string> GuestReady => _ready.Task;

    /// <summary>Null once the guest waits for its specialisation; the computer name when it was specialised before.</summary>
    public Task<string?> FirstBoot => _firstBoot.Task;

    /// <summary>The computer name the guest reported as specialised; faults with the guest's reason when it failed.</summary>
    public Task<string> Specialized => _specialised.Task;

    public void OnLine(string line)
    {
        var start = line.IndexOf("TENANTPORTAL-", StringComparison.Ordinal);
        if (start < 0)
        {
            return;
        }

        line = line[start..].Trim();
        if (Is(line, Ready, out var details))
        {
            _ready.TrySetResult(details);
        }
        else if (Is(line, Waiting, out _))
        {
            _firstBoot.TrySetResult(null);
        }
        else if (Is(line, AlreadySpecialised, out var already))
        {
            _firstBoot.TrySetResult(Field(already, "name"));
        }
        else if (Is(line, Specialised, out var done))
        {
            _specialised.TrySetResult(Field(done, "name") ?? "");
        }
        else if (Is(line, Failed, out var failed))
        {
            _specialised.TrySetException(new HypervisorException(
                HypervisorError.GuestFailed, $"The guest could not apply its specialisation: {Field(failed, "reason") ?? "no reason given"}."));
        }
    }

    /// <summary>Ends every wait: the guest stopped before reporting.</summary>
    public void Stopped(string why)
    {
        var gone = new HypervisorException(HypervisorError.GuestFailed, why);
        _ready.TrySetException(gone);
        _firstBoot.TrySetException(gone);
        _specialised.TrySetException(gone);
        _ = _ready.Task.Exception;
        _ = _firstBoot.Task.Exception;
        _ = _specialised.Task.Exception;
    }

    /// <summary>The value of <c>key=</c> in a marker line; the last field takes the rest of the line (a reason may have spaces).</summary>
    public static string? Field(string details, string key)
    {
        var at = details.StartsWith(key + "=", StringComparison.Ordinal) ? 0 : details.IndexOf(" " + key + "=", StringComparison.Ordinal) + 1;
        if (at < 0 || (at == 0 && !details.StartsWith(key + "=", StringComparison.Ordinal)))
        {
            return null;
        }

        var value = details[(at + key.Length + 1)..];
        return key == "reason" ? value.Trim() : value.Split(' ')[0];
    }

    private static bool Is(string line, string marker, out string details)
    {
        details = "";
        if (!line.StartsWith(marker, StringComparison.Ordinal) || (line.Length > marker.Length && line[marker.Length] != ' '))
        {
            return false;
        }

        details = line[marker.Length..].Trim();
        return true;
    }

    private static TaskCompletionSource<string> New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> New<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
