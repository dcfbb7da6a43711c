using Portal.HostAgent;

var builder = Host.CreateApplicationBuilder(args);
builder.AddHostAgent();
builder.Build().Run();
