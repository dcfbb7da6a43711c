using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Jobs;
using Icons = Microsoft.FluentUI.AspNetCore.Components.Icons;

namespace Portal.Web.Features.VirtualMachines;

public partial class VmActionBar
{
    [Parameter, EditorRequired]
    public VmDto Vm { get; set; } = default!;

    [Parameter]
    public EventCallback<JobType> OnRequest { get; set; }

    /// <summary>While an action is being sent every button waits.</summary>
    [Parameter]
    public bool Busy { get; set; }

    public static string Slug(JobType type) => type switch
    {
        JobType.Create => "create",
        JobType.Start => "start",
        JobType.ShutDown => "shut-down",
        JobType.TurnOff => "turn-off",
        JobType.Restart => "restart",
        JobType.Delete => "delete",
    };

    private static Icon Icon(JobType type) => type switch
    {
        JobType.Create => new Icons.Regular.Size20.Add(),
        JobType.Start => new Icons.Regular.Size20.Play(),
        JobType.ShutDown => new Icons.Regular.Size20.Power(),
        JobType.TurnOff => new Icons.Regular.Size20.Stop(),
        JobType.Restart => new Icons.Regular.Size20.ArrowClockwise(),
        JobType.Delete => new Icons.Regular.Size20.Delete(),
    };
}
