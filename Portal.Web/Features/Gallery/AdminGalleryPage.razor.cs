using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Web.Components.Controls;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Gallery;

public partial class AdminGalleryPage
{
    private static readonly OsFamily[] OsFamilies = Enum.GetValues<OsFamily>();

    private IQueryable<TemplateDto> _templates = Enumerable.Empty<TemplateDto>().AsQueryable();
    private IQueryable<HardwareProfileDto> _profiles = Enumerable.Empty<HardwareProfileDto>().AsQueryable();
    private string? _message;
    private bool _messageIsError;
    private string? _templateName;
    private OsFamily _osFamily = OsFamily.Windows;
    private string? _osVersion;
    private int _generation = 2;
    private string? _diskFileName;
    private int _diskSizeGiB = 40;
    private string? _profileName;
    private int _vcpus = 2;
    private int _memoryGiB = 4;
    private int _diskGiB = 40;
    private AuditActor _actor = AuditActor.System;

    [Inject]
    private GalleryService Gallery { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private CurrentActor CurrentActor { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _templates = (await Gallery.ListTemplatesAsync(CancellationToken.None)).AsQueryable();
        _profiles = (await Gallery.ListProfilesAsync(CancellationToken.None)).AsQueryable();
    }

    private Task CreateTemplateAsync() => RunAsync(async () =>
    {
        var created = await Gallery.CreateTemplateAsync(new TemplateRequest(
            _templateName, _osFamily, _osVersion, _generation, _diskFileName, _diskSizeGiB, null, null), _actor, CancellationToken.None);
        _templateName = _osVersion = _diskFileName = null;
        return created.Generation == 2
            ? $"Template '{created.Name}' was added. Upload its signed catalog on its Catalog page to make it shielding-capable."
            : $"Template '{created.Name}' was added.";
    });

    private Task CreateProfileAsync() => RunAsync(async () =>
    {
        var created = await Gallery.CreateProfileAsync(
            new HardwareProfileRequest(_profileName, _vcpus, _memoryGiB, _diskGiB, null), _actor, CancellationToken.None);
        _profileName = null;
        return $"Hardware profile '{created.Name}' was added.";
    });

    private Task ToggleRetiredAsync(TemplateDto template) => RunAsync(async () =>
    {
        var changed = template.IsActive
            ? await Gallery.RetireTemplateAsync(template.Id, _actor, CancellationToken.None)
            : await Gallery.ReactivateTemplateAsync(template.Id, _actor, CancellationToken.None);
        return changed.IsActive ? $"Template '{changed.Name}' is offered again." : $"Template '{changed.Name}' is retired: no new VMs.";
    });

    private async Task DeleteTemplateAsync(TemplateDto template)
    {
        if (await ConfirmAsync($"Template '{template.Name}' will be removed from the gallery."))
        {
            await RunAsync(async () =>
            {
                await Gallery.DeleteTemplateAsync(template.Id, _actor, CancellationToken.None);
                return $"Template '{template.Name}' was deleted.";
            });
        }
    }

    private async Task DeleteProfileAsync(HardwareProfileDto profile)
    {
        if (await ConfirmAsync($"Hardware profile '{profile.Name}' will be removed."))
        {
            await RunAsync(async () =>
            {
                await Gallery.DeleteProfileAsync(profile.Id, _actor, CancellationToken.None);
                return $"Hardware profile '{profile.Name}' was deleted.";
            });
        }
    }

    private async Task<bool> ConfirmAsync(string message) =>
        !(await Dialogs.ConfirmAsync("Delete?", message, "Delete")).Cancelled;

    private async Task RunAsync(Func<Task<string>> action)
    {
        try
        {
            _message = await action();
            _messageIsError = false;
        }
        catch (DomainException e)
        {
            _message = e is DomainValidationException v ? string.Join(" ", v.Errors.Values.SelectMany(m => m)) : e.Message;
            _messageIsError = true;
        }

        await LoadAsync();
    }

    private static string LibraryDisk(TemplateDto t) => t is { DiskSha384: { } hash, DiskFileBytes: { } bytes }
        ? $"library: {FormatBytes(bytes)}, {TemplateDiskHash.Short(hash)}"
        : "library: no disk";

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
