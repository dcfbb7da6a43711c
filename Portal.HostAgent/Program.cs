using Portal.HostAgent;

var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddOptions<HostAgentOptions>()
    .BindConfiguration(HostAgentOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddHostedService<HostAgentWorker>();

builder.Build().Run();
