using System.Text.Json.Serialization;

namespace Portal.Core.Jobs;

/// <summary>The steps a host agent runs. The portal lists them when it creates a job; the agent reports each by kind.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStepKind>))]
public enum JobStepKind
{
    FetchTemplateDisk,
    VerifyTemplateDisk,
    Attest,
    OpenShieldingData,
    CreateKeyProtector,
    Specialize,
    WriteDisk,
    ReleaseKeyProtector,
    StartVm,
    ShutDownVm,
    TurnOffVm,
    DeleteVm,

    /// <summary>First boot: the guest receives its specialisation over a host-local channel and applies it.</summary>
    SpecializeGuest,
}

public static class JobStepKinds
{
    /// <summary>The step as a tenant reads it.</summary>
    public static string Title(this JobStepKind kind) => kind switch
    {
        JobStepKind.FetchTemplateDisk => "Fetch the template disk",
        JobStepKind.VerifyTemplateDisk => "Verify the template disk",
        JobStepKind.Attest => "Attest the host",
        JobStepKind.OpenShieldingData => "Open the shielding data",
        JobStepKind.CreateKeyProtector => "Create the VM key and key protector",
        JobStepKind.Specialize => "Prepare the specialisation",
        JobStepKind.WriteDisk => "Write the encrypted disk",
        JobStepKind.ReleaseKeyProtector => "Release the key protector",
        JobStepKind.StartVm => "Start the VM",
        JobStepKind.SpecializeGuest => "Specialise the guest",
        JobStepKind.ShutDownVm => "Shut down the VM",
        JobStepKind.TurnOffVm => "Turn off the VM",
        JobStepKind.DeleteVm => "Delete the VM",
    };
}
