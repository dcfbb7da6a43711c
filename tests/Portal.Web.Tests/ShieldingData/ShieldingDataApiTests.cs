using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.ShieldingData;

public sealed class ShieldingDataApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    private const string Url = "/api/v1/shielding-data";

    public static TheoryData<string, string> BadFiles => new()
    {
        { "empty", "Empty" },
        { "truncated", "Truncated" },
        { "wrong magic", "WrongMagic" },
        { "unknown version", "UnsupportedVersion" },
        { "bit-flipped ciphertext", "SignatureInvalid" },
        { "bit-flipped signature", "SignatureInvalid" },
        { "unsigned", "Unsigned" },
        { "owner signature not matching the owner key", "SignatureInvalid" },
        { "no guardians", "NoGuardians" },
    };

    [Fact]
    public async Task Upload_ValidFile_StoresTheBytesAsSentAndShowsItsPublicMetadata()
    {
        var tenant = await TenantAsync();
        var bytes = ShieldingFiles.Pdk(policy: ShieldingPolicy.EncryptionSupported);

        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(
            await tenant.PostAsync(Url, ShieldingFiles.Form(bytes, "  Web servers  ", "Password for the web tier")));

        Assert.Equal("Web servers", created.FriendlyName);
        Assert.Equal("Password for the web tier", created.Description);
        Assert.Equal(ShieldingPolicy.EncryptionSupported, created.Policy);
        Assert.Equal(ShieldingFiles.Owner.PublicKeys.SigningThumbprint, created.Owner.SigningThumbprint);
        var guardian = Assert.Single(created.Guardians);
        Assert.Equal(TestFabric.Guardian.PublicKeys.SigningThumbprint, guardian.SigningThumbprint);
        Assert.True(guardian.IsThisFabric);
        Assert.True(created.IncludesThisFabric);
        var qualifier = Assert.Single(created.Qualifiers);
        Assert.Equal("WS2025-DC", qualifier.VscName);
        Assert.Equal(ShieldingDataFile.ReadPublic(bytes).FileSha256, created.FileSha256);
        Assert.Equal(bytes.Length, created.FileLength);

        var fetched = await tenant.GetAsync<ShieldingDataDto>($"{Url}/{created.Id}");
        Assert.Equal(created.UploadedAt, fetched.UploadedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(JsonSerializer.Serialize(created with { UploadedAt = fetched.UploadedAt }), JsonSerializer.Serialize(fetched));
        Assert.Contains(await tenant.GetItemsAsync<ShieldingDataDto>(Url), s => s.Id == created.Id);
        var stored = await factory.WithDbAsync(db => db.ShieldingData.AsNoTracking().SingleAsync(s => s.Id == created.Id));
        Assert.Equal(bytes, stored.Content);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(
            a => a.Action == "shielding-data.uploaded" && a.Target.Contains(created.Id.ToString()))));
    }

    [Fact]
    public async Task Upload_FileForAnotherFabricOnly_IsStoredButNotMarkedThisFabric()
    {
        var tenant = await TenantAsync();

        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(await tenant.PostAsync(Url,
            ShieldingFiles.Form(ShieldingFiles.Pdk(guardians: ShieldingFiles.OtherFabric.PublicKeys), "Elsewhere")));

        Assert.False(created.IncludesThisFabric);
        Assert.False(Assert.Single(created.Guardians).IsThisFabric);
        Assert.Equal("Fabrikam fabric", created.Guardians[0].Name);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Upload_BadFile_Returns400WithTheReasonAndStoresNothing(string damage, string expectedError)
    {
        var tenant = await TenantAsync();
        var bytes = Damage(ShieldingFiles.Pdk(), damage);

        var response = await tenant.PostAsync(Url, ShieldingFiles.Form(bytes, "Bad file"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(expectedError, problem.GetProperty("error").GetString());
        Assert.StartsWith("Shielding data file: ", problem.GetProperty("detail").GetString());
        Assert.Empty(await tenant.GetItemsAsync<ShieldingDataDto>(Url));
    }

    [Fact]
    public async Task Upload_DuplicateFriendlyName_Returns400AndKeepsTheFirst()
    {
        var tenant = await TenantAsync();
        await OffersApi.CreatedAsync<ShieldingDataDto>(await tenant.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Database tier")));

        var response = await tenant.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Database tier "));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("already have shielding data named 'Database tier'",
            problem.GetProperty("errors").GetProperty("friendlyName")[0].GetString());
        Assert.Single(await tenant.GetItemsAsync<ShieldingDataDto>(Url));
    }

    [Fact]
    public async Task Upload_SameNameInAnotherTenant_IsAllowed()
    {
        var first = await TenantAsync();
        var second = await TenantAsync();
        await OffersApi.CreatedAsync<ShieldingDataDto>(await first.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Shared name")));

        await OffersApi.CreatedAsync<ShieldingDataDto>(await second.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Shared name")));
    }

    [Fact]
    public async Task Upload_TwoMebibyteBody_Returns413AndStoresNothing()
    {
        var tenant = await TenantAsync();
        var huge = new byte[2 * 1024 * 1024];
        ShieldingFiles.Pdk().CopyTo(huge, 0);

        var response = await tenant.PostAsync(Url, ShieldingFiles.Form(huge, "Too big"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("too large", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await tenant.GetItemsAsync<ShieldingDataDto>(Url));
    }

    [Fact]
    public async Task Upload_TwoMebibyteChunkedBodyWithoutLength_IsRefusedAndStoresNothing()
    {
        var tenant = await TenantAsync();
        var huge = new byte[2 * 1024 * 1024];
        ShieldingFiles.Pdk().CopyTo(huge, 0);
        var form = ShieldingFiles.Form(huge, "Too big, chunked");
        var chunked = new StreamContent(new UnknownLengthStream(await form.ReadAsStreamAsync()));
        chunked.Headers.ContentType = form.Headers.ContentType;

        var response = await tenant.PostAsync(Url, chunked);

        Assert.Null(chunked.Headers.ContentLength);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await tenant.GetItemsAsync<ShieldingDataDto>(Url));
    }

    [Fact]
    public async Task Upload_WithoutAFilePartOrName_Returns400NamingTheField_AndJsonIs415()
    {
        var tenant = await TenantAsync();

        var noFile = await tenant.PostAsync(Url, new MultipartFormDataContent { { new StringContent("x"), "friendlyName" } });
        var noName = await tenant.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), " "));
        var json = await tenant.PostAsJsonAsync(Url, new { friendlyName = "json" });

        Assert.True((await noFile.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("file", out _));
        Assert.True((await noName.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("friendlyName", out _));
        await json.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await tenant.GetItemsAsync<ShieldingDataDto>(Url));
    }

    [Fact]
    public async Task AnotherTenantsFile_Returns404ForGetAndDelete_AndIsNotListed()
    {
        var owner = await TenantAsync();
        var other = await TenantAsync();
        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(await owner.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Mine")));

        await (await other.GetAsync($"{Url}/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"{Url}/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"{Url}/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Empty(await other.GetItemsAsync<ShieldingDataDto>(Url));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"{Url}/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_OwnFile_Returns204AndAudits()
    {
        var tenant = await TenantAsync();
        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(await tenant.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "Short-lived")));

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync($"{Url}/{created.Id}")).StatusCode);

        await (await tenant.GetAsync($"{Url}/{created.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(
            a => a.Action == "shielding-data.deleted" && a.Target.Contains(created.Id.ToString()))));
    }

    [Fact]
    public async Task Delete_WhileAProvisioningVmUsesIt_Returns409_ThenSucceedsOnceTheVmIsBuilt()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var plan = await admin.CreatePlanAsync();
        var session = await PortalSession.SignUpAsync(factory);
        var tenant = await session.ApiClientAsync(factory);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(await tenant.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "In use")));
        var vmId = await factory.WithDbAsync(async db =>
        {
            var size = await db.HardwareProfiles.SingleAsync(p => p.Id == plan.HardwareProfileIds[0]);
            var vm = VirtualMachine.Create(subscription.TenantId, subscription.Id, "web-01", plan.TemplateIds[0], size,
                shielded: true, DateTimeOffset.UtcNow, created.Id, Portal.Core.Shielding.DataFiles.ShieldingPolicy.Shielded);
            db.VirtualMachines.Add(vm);
            await db.SaveChangesAsync();
            return vm.Id;
        });

        var refused = await tenant.DeleteAsync($"{Url}/{created.Id}");

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 VM(s) being provisioned", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync($"{Url}/{created.Id}")).StatusCode);

        await factory.WithDbAsync(async db =>
        {
            var vm = await db.VirtualMachines.SingleAsync(v => v.Id == vmId);
            vm.Complete(Portal.Core.Jobs.JobType.Create, DateTimeOffset.UtcNow);
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync($"{Url}/{created.Id}")).StatusCode);
        Assert.Null(await factory.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == vmId).Select(v => v.ShieldingDataId).SingleAsync()));
    }

    [Fact]
    public async Task FabricGuardian_Download_IsTheConfiguredPublicMetadata()
    {
        var tenant = await TenantAsync();

        var response = await tenant.GetAsync("/api/v1/fabric/guardian");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fabric-guardian.json", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(TestFabric.MetadataFile), bytes);
        Assert.Equal(TestFabric.Guardian.PublicKeys, GuardianMetadata.Parse(bytes));
        Assert.DoesNotContain("PRIVATE", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FabricGuardian_NoneConfigured_Returns404SayingSo()
    {
        var tenant = await TenantAsync();
        await using var unconfigured = factory.WithWebHostBuilder(b => b.UseSetting("Fabric:GuardianMetadataFile", ""));
        var client = unconfigured.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = tenant.DefaultRequestHeaders.Authorization;

        var response = await client.GetAsync("/api/v1/fabric/guardian");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("no guardian configured", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Endpoints_WithoutSignIn_Return401_AndAdminCannotUseTenantRoutes()
    {
        var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
        var admin = await OffersApi.SignInAsync(factory);

        await (await anonymous.GetAsync(Url)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync(Url, ShieldingFiles.Form(ShieldingFiles.Pdk(), "x"))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/v1/fabric/guardian")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await admin.Admin.GetAsync(Url)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    internal static byte[] Damage(byte[] bytes, string damage)
    {
        switch (damage)
        {
            case "empty":
                return [];
            case "truncated":
                return bytes[..(bytes.Length / 2)];
            case "wrong magic":
                bytes[0] = (byte)'X';
                return bytes;
            case "unknown version":
                bytes[5] = 2;
                return bytes;
            case "bit-flipped ciphertext":
                // The ciphertext ends before the 16-byte tag and the signature (2-byte length + 96 bytes).
                bytes[bytes.Length - 98 - 16 - 1] ^= 0x01;
                return bytes;
            case "bit-flipped signature":
                bytes[^1] ^= 0x01;
                return bytes;
            case "unsigned":
                return [.. bytes[..^98], 0, 0];
            case "owner signature not matching the owner key":
                // The owner record names another key, while the signature is still the first owner's.
                var ownerKey = ShieldingFiles.Owner.PublicKeys.SigningKey.Span;
                var offset = ShieldingFiles.IndexOf(bytes, ownerKey);
                Assert.True(offset > 0);
                ShieldingFiles.OtherOwner.PublicKeys.SigningKey.Span.CopyTo(bytes.AsSpan(offset));
                return bytes;
            case "no guardians":
                var countOffset = ShieldingFiles.GuardianCountOffset();
                Assert.Equal(1, bytes[countOffset]);
                bytes[countOffset] = 0;
                return bytes;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
        }
    }

    private async Task<HttpClient> TenantAsync() => await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

    /// <summary>A body whose length the client cannot know up front, so it is sent chunked.</summary>
    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
