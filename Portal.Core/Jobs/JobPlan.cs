namespace Portal.Core.Jobs;

/// <summary>
/// The ordered steps of each kind of job. A shielded VM adds the steps that involve HGS: every start of a shielded VM
/// attests (or reuses a valid health certificate) and has HGS release its key protector. A new VM ends with its first
/// boot, where the guest specialises itself.
/// </summary>
public static class JobPlan
{
    public static IReadOnlyList<JobStepKind> Steps(JobType type, bool shielded) => type switch
    {
        JobType.Create => shielded
            ?
            [
                JobStepKind.FetchTemplateDisk, JobStepKind.VerifyTemplateDisk, JobStepKind.Attest, JobStepKind.OpenShieldingData,
                JobStepKind.CreateKeyProtector, JobStepKind.Specialize, JobStepKind.WriteDisk, JobStepKind.ReleaseKeyProtector,
                JobStepKind.StartVm, JobStepKind.SpecializeGuest,
            ]
            : [JobStepKind.FetchTemplateDisk, JobStepKind.VerifyTemplateDisk, JobStepKind.WriteDisk, JobStepKind.StartVm, JobStepKind.SpecializeGuest],
        JobType.Start => StartSteps(shielded),
        JobType.ShutDown => [JobStepKind.ShutDownVm],
        JobType.TurnOff => [JobStepKind.TurnOffVm],
        JobType.Restart => [JobStepKind.ShutDownVm, .. StartSteps(shielded)],
        JobType.Delete => [JobStepKind.TurnOffVm, JobStepKind.DeleteVm],
    };

    private static JobStepKind[] StartSteps(bool shielded) => shielded
        ? [JobStepKind.Attest, JobStepKind.ReleaseKeyProtector, JobStepKind.StartVm]
        : [JobStepKind.StartVm];
}
