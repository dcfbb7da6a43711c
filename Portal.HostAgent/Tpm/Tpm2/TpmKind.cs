namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>Which TPM the agent attests with (<c>HostAgent:Tpm:Kind</c>).</summary>
public enum TpmKind
{
    /// <summary>TPM 2.0 structures made in .NET, for machines without a TPM.</summary>
    Software,

    /// <summary>The host's TPM 2.0 through the kernel's resource manager (<see cref="TpmOptions.DevicePath"/>).</summary>
    Device,

    /// <summary>An swtpm: one someone else runs (<see cref="TpmOptions.SwtpmAddress"/>), or one the agent runs itself.</summary>
    Swtpm,
}
