using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Web.Components.Controls;
using Portal.Web.Features.Gallery;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.ShieldingData;

public partial class AdminCatalogUpload
{
    private TemplateDto? _template;
    private IBrowserFile? _file;
    private string? _message;
    private bool _messageIsError;
    private AuditActor _actor = AuditActor.System;

    [Parameter]
    public Guid TemplateId { get; set; }

    [Inject]
    private GalleryService Gallery { get; set; } = default!;

    [Inject]
    private TemplateCatalogService Catalogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        try
        {
            _template = await Gallery.GetTemplateAsync(TemplateId, CancellationToken.None);
        }
        catch (NotFoundException e)
        {
            Show(e.Message, error: true);
        }
    }

    private void ChooseFile(InputFileChangeEventArgs e)
    {
        _file = e.File;
        _message = null;
        if (e.File.Size > TemplateCatalogService.MaxFileBytes)
        {
            Show($"This file is {e.File.Size} bytes; a catalog is at most {TemplateCatalogService.MaxFileBytes} bytes.", error: true);
            _file = null;
        }
    }

    private async Task UploadAsync()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            await using var stream = _file.OpenReadStream(TemplateCatalogService.MaxFileBytes);
            _template = await Catalogs.AttachCatalogAsync(TemplateId, stream, _actor, CancellationToken.None);
            Show($"Template '{_template.Name}' is now shielding-capable with catalog {_template.Vsc!.VscName} {_template.Vsc.VscVersion}.", error: false);
        }
        catch (DomainValidationException e)
        {
            Show(string.Join(" ", e.Errors.Values.SelectMany(m => m)), error: true);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }
    }

    private async Task RemoveAsync()
    {
        if (_template is null || (await Dialogs.ConfirmAsync(
                "Remove catalog?",
                $"Template '{_template.Name}' will no longer be shielding-capable; tenants can no longer download its catalog.",
                "Remove")).Cancelled)
        {
            return;
        }

        try
        {
            _template = await Catalogs.RemoveCatalogAsync(TemplateId, _actor, CancellationToken.None);
            Show($"The catalog was removed; template '{_template.Name}' is no longer shielding-capable.", error: false);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }
    }

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }
}
