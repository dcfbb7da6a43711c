using Portal.Data;
using Portal.Data.Cluster;
using Portal.Web.Components;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Audit;
using Portal.Web.Features.Consoles;
using Portal.Web.Features.DemoOffer;
using Portal.Web.Features.EmbeddedFabric;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Plans;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.TemplateLibrary;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Infrastructure.Operations;
using Portal.ServiceDefaults;

if (await HealthProbe.HandledAsync(args))
{
    return;
}

var builder = WebApplication.CreateBuilder(MigrateCommand.WithoutSwitch(args));

builder.AddServiceDefaults();
builder.AddPortalOperations();

builder.AddPortalOptions();
builder.AddPortalData(builder.GetDataFolder());
builder.AddPortalCluster();
builder.AddDatabaseStartup();
builder.AddPortalIdentity();
builder.AddPortalApi();
builder.AddChangeFeed();
builder.AddOffers();
builder.AddShieldingData();
builder.AddTemplateLibrary();
builder.AddDemoOffer();
builder.AddFabric();
builder.AddFabricAgents();
builder.AddEmbeddedFabric();
builder.AddVirtualMachines();
builder.AddConsoles();
builder.AddFabricController();
builder.AddAudit();
builder.AddPortalUi();

var app = builder.Build();

if (MigrateCommand.IsRequested(args))
{
    await MigrateCommand.RunAsync(app);
    return;
}

app.UsePortalPipeline();

app.MapPortalHealth();
app.MapPortalOpenApi();
app.MapAccountEndpoints();
app.MapApiTokenEndpoints();
app.MapOffersApi();
app.MapShieldingDataEndpoints();
app.MapFabricAdminApi();
app.MapFabricAgentApi();
app.MapVirtualMachineApi();
app.MapConsoles();
app.MapJobApi();
app.MapEmbeddedFabric();
app.MapTemplateLibraryApi();
app.MapAuditEndpoints();
app.MapPortalUi();

await app.RunWithPortGuardAsync();

public partial class Program;
