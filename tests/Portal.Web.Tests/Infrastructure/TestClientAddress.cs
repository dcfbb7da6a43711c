using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The test server has no network peer; this gives each request the client address named in
/// <see cref="Header"/>, so tests can act as several clients (rate limits, audit addresses).
/// </summary>
public sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public static void AddTo(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (IPAddress.TryParse(http.Request.Headers[Header].ToString(), out var address))
            {
                http.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(http);
        });
        next(app);
    };
}
