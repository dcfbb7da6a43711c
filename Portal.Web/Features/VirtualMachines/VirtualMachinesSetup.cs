namespace Portal.Web.Features.VirtualMachines;

/// <summary>Tenants' virtual machines: the VM service and the tenant VM API.</summary>
public static class VirtualMachinesSetup
{
    public static WebApplicationBuilder AddVirtualMachines(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<VmService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVirtualMachineApi(this IEndpointRouteBuilder app)
    {
        app.MapVmEndpoints();
        return app;
    }
}
