using System.Text;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Features.Consoles;

namespace Portal.Web.Tests.Consoles;

public sealed class ConsoleLimitsTests
{
    [Fact]
    public void CloseReason_LongerThanAWebSocketAllows_IsCutTo123BytesOfUtf8()
    {
        var reason = ConsoleLimits.CloseReason(string.Concat(Enumerable.Repeat("VM 'wébserver' is Off; ", 20)));

        Assert.True(Encoding.UTF8.GetByteCount(reason) <= 123, reason);
        Assert.EndsWith("...", reason);
        Assert.StartsWith("VM 'wébserver' is Off; ", reason);
    }

    [Fact]
    public void CloseReason_WithControlCharacters_BecomesOneLine()
    {
        Assert.Equal("bye  forged entry", ConsoleLimits.CloseReason("bye\r\nforged entry"));
    }

    [Theory]
    [InlineData("http://localhost", true)]
    [InlineData("https://localhost", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("http://localhost.evil.example", false)]
    [InlineData("http://localhost:8080", false)]
    [InlineData("null", false)]
    [InlineData("", false)]
    public void IsSameOrigin_ComparesHostAndPortWithTheRequest(string origin, bool same)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Host = new Microsoft.AspNetCore.Http.HostString("localhost");
        http.Request.Headers.Origin = origin;

        Assert.Equal(same, ConsoleEndpoints.IsSameOrigin(http.Request));
    }
}
