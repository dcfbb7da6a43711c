using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Portal.Web.Features.Account;
using Portal.Testing;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Drives the portal as a browser without JavaScript would: real form posts with antiforgery tokens and cookies,
/// or as an API client with a bearer token.
/// </summary>
public sealed class PortalSession
{
    private readonly CookieContainer _cookies = new();

    private PortalSession(PortalWebFactory factory)
    {
        Client = factory.CreateDefaultClient(new CookieContainerHandler(_cookies));
    }

    public HttpClient Client { get; }

    /// <summary>A visitor who has not signed in yet.</summary>
    public static PortalSession Anonymous(PortalWebFactory factory) => new(factory);

    /// <summary>The cookies as a browser would send them, e.g. to a second portal instance.</summary>
    public string CookieHeader => _cookies.GetCookieHeader(Client.BaseAddress!);

    public static async Task<PortalSession> SignUpAsync(PortalWebFactory factory, string? email = null, string password = "Tenant-Passw0rd-1")
    {
        var session = Anonymous(factory);
        email ??= $"{Guid.NewGuid():N}@tenant.test";
        var response = await session.PostFormAsync("/account/sign-up", "sign-up", new Dictionary<string, string>
        {
            ["Input.Organization"] = $"Org {email}",
            ["Input.DisplayName"] = "Test Tenant",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"Sign-up did not redirect: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        session.Email = email;
        session.Password = password;
        return session;
    }

    public static async Task<PortalSession> SignInAsync(PortalWebFactory factory, string email, string password)
    {
        var session = new PortalSession(factory) { Email = email, Password = password };
        var response = await session.PostFormAsync("/account/sign-in", "sign-in", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return session;
    }

    public string Email { get; private set; } = "";

    public string Password { get; private set; } = "";

    /// <summary>Loads <paramref name="path"/> for its antiforgery token, then posts the form (to <paramref name="postTo"/> if given).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(
        string path, string? formName, Dictionary<string, string> fields, string? postTo = null)
    {
        var page = await Client.GetStringAsync(path);
        fields[AntiforgeryForm.FieldName] = AntiforgeryForm.TokenIn(page);
        if (formName is not null)
        {
            fields["_handler"] = formName;
        }

        return await Client.PostAsync(postTo ?? path, new FormUrlEncodedContent(fields));
    }

    /// <summary>Exchanges this session's credentials for a short-lived bearer token and returns an API client.</summary>
    public async Task<HttpClient> ApiClientAsync(PortalWebFactory factory)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(Email, Password));
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<SessionTokenResponse>();
        var api = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return api;
    }
}
