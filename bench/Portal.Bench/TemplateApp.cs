extern alias template;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Bench;

/// <summary>
/// The framework's Blazor Server template (bench/BlazorTemplate) hosted as <see cref="BenchPortal"/> hosts the portal:
/// in this process, on a Kestrel loopback port, environment Production, log level Warning.
/// </summary>
public sealed class TemplateApp : WebApplicationFactory<template::Program>
{
    private readonly CircuitCount _circuits;

    public TemplateApp(CircuitCount circuits)
    {
        _circuits = circuits;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:Console:LogToStandardErrorThreshold", "Trace");
        _circuits.AddTo(builder);
    }
}
