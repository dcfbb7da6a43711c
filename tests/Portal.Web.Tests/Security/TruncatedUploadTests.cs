using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Security;

/// <summary>A multipart body cut off mid-part is the client's error (400), not the portal's (500).</summary>
public sealed class TruncatedUploadTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task ShieldingDataUpload_BodyCutMidPart_Answers400()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        var response = await tenant.SendAsync(Truncated("/api/v1/shielding-data", ShieldingFiles.Pdk()));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CatalogUpload_BodyCutMidPart_Answers400()
    {
        var admin = (await OffersApi.SignInAsync(factory)).Admin;
        var template = await new OffersApi(admin).CreateTemplateAsync(signed: false);

        var response = await admin.SendAsync(Truncated($"/api/admin/v1/templates/{template.Id}/vsc", new byte[4096]));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>A complete HTTP request whose multipart content stops halfway through the file part.</summary>
    private static HttpRequestMessage Truncated(string path, byte[] file)
    {
        const string boundary = "----portal-test-boundary";
        var head = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"friendlyName\"\r\n\r\ncut\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n");
        var body = head.Concat(file.Take(file.Length / 2)).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }
}
