namespace Portal.Web.Features.VirtualMachines;

/// <summary>Tenants' VMs (their API and pages) and the provider's view of every VM.</summary>
public static class VirtualMachinesSetup
{
    public static WebApplicationBuilder AddVirtualMachines(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<VmService>();
        builder.Services.AddScoped<VmAdministration>();
        builder.Services.AddScoped<NewVmOptions>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVirtualMachineApi(this IEndpointRouteBuilder app)
    {
        app.MapVmEndpoints();
        app.MapAdminVmEndpoints();
        return app;
    }
}
