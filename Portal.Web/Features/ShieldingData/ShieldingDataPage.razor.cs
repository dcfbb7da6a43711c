using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.ShieldingData;
using Portal.Web.Components.Controls;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.ShieldingData;

public partial class ShieldingDataPage
{
    private IReadOnlyList<ShieldingDataDto> _files = [];
    private IReadOnlyList<ShieldingTemplateDto> _templates = [];
    private FabricGuardianDto? _fabric;
    private Guid? _catalogTemplateId;
    private IBrowserFile? _file;
    private string? _fileError;
    private string? _friendlyName;
    private string? _nameError;
    private string? _description;
    private string? _message;
    private bool _messageIsError;
    private bool _uploading;
    private Guid _formKey = Guid.NewGuid();
    private Guid _tenantId;
    private AuditActor _actor = AuditActor.System;

    [Inject]
    private ShieldingDataService ShieldingData { get; set; } = default!;

    [Inject]
    private TemplateCatalogService Catalogs { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState.GetAuthenticationStateAsync()).User;
        _tenantId = user.GetRequiredTenantId();
        _actor = await CurrentActor.GetAsync();
        _fabric = await ShieldingData.GetFabricGuardianAsync(CancellationToken.None);
        _templates = [.. await Catalogs.ListShieldingTemplatesAsync(CancellationToken.None)];
        _catalogTemplateId = _templates.FirstOrDefault()?.Id;
        await LoadAsync();
    }

    private async Task LoadAsync() => _files = await ShieldingData.ListAsync(_tenantId, CancellationToken.None);

    private void ChooseFile(InputFileChangeEventArgs e)
    {
        _file = e.File;
        _fileError = e.File.Size switch
        {
            0 => "This file is empty.",
            > ShieldingDataService.MaxFileBytes => $"This file is {Size(e.File.Size)}; a shielding data file is at most {Size(ShieldingDataService.MaxFileBytes)}.",
            _ => null,
        };
    }

    private void ValidateName()
    {
        try
        {
            StoredShieldingData.ValidateFriendlyName(_friendlyName);
            _nameError = _files.Any(f => string.Equals(f.FriendlyName, _friendlyName?.Trim(), StringComparison.Ordinal))
                ? StoredShieldingData.DuplicateFriendlyName(_friendlyName!).Errors.Values.First()[0]
                : null;
        }
        catch (DomainValidationException e)
        {
            _nameError = Words(e);
        }
    }

    private async Task UploadAsync()
    {
        ValidateName();
        if (_file is null)
        {
            _fileError = "Choose the shielding data file (.pdk) you made.";
        }

        if (_file is null || _fileError is not null || _nameError is not null)
        {
            return;
        }

        _uploading = true;
        try
        {
            // One byte over the limit lets the format reader say "too large" rather than the browser stream failing.
            await using var stream = _file.OpenReadStream(ShieldingDataService.MaxFileBytes + 1);
            var stored = await ShieldingData.UploadAsync(_tenantId, _friendlyName, _description, stream, _actor, CancellationToken.None);
            Show($"'{stored.FriendlyName}' was uploaded." + (stored.IncludesThisFabric ? "" : " It does not list this fabric's guardian, so its VMs cannot run here."), error: false);
            _friendlyName = _description = null;
            _nameError = _fileError = null;
            _file = null;
            _formKey = Guid.NewGuid();
        }
        catch (DomainValidationException e)
        {
            _nameError = e.Errors.ContainsKey(nameof(StoredShieldingData.FriendlyName)) ? Words(e) : null;
            Show(Words(e), error: true);
        }
        catch (DomainException e)
        {
            // A refused file: the format's one-line reason, e.g. "the owner signature does not verify".
            _fileError = e.Message;
            Show(e.Message, error: true);
        }
        finally
        {
            _uploading = false;
        }

        await LoadAsync();
    }

    private async Task DeleteAsync(ShieldingDataDto file)
    {
        var answer = await Dialogs.ConfirmAsync(
            "Delete this shielding data?",
            $"'{file.FriendlyName}' will be removed from the portal. VMs already built from it keep running.",
            "Delete");
        if (answer.Cancelled)
        {
            return;
        }

        try
        {
            await ShieldingData.DeleteAsync(_tenantId, file.Id, _actor, CancellationToken.None);
            Show($"'{file.FriendlyName}' was deleted.", error: false);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }

        await LoadAsync();
    }

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    private static string Words(DomainValidationException e) => string.Join(" ", e.Errors.Values.SelectMany(m => m));

    private static string Short(string thumbprint) => thumbprint.Length > 16 ? $"{thumbprint[..8]}…{thumbprint[^8..]}" : thumbprint;

    private static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };

    private static string PolicyText(ShieldingPolicy policy) => policy switch
    {
        ShieldingPolicy.Shielded => "Shielded",
        ShieldingPolicy.EncryptionSupported => "Encryption supported",
    };

    private static BadgeColor PolicyColor(ShieldingPolicy policy) => policy switch
    {
        ShieldingPolicy.Shielded => BadgeColor.Brand,
        ShieldingPolicy.EncryptionSupported => BadgeColor.Informative,
    };
}
