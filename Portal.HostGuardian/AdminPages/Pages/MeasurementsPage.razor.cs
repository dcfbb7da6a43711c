using Microsoft.AspNetCore.Components;
using Microsoft.FluentUI.AspNetCore.Components;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Admin;
using Portal.HostGuardian.AdminPages.Controls;

namespace Portal.HostGuardian.AdminPages.Pages;

/// <summary>
/// The baseline workflow's review: a host's latest proven PCRs beside the nearest baseline, what differs and why (the
/// log's events), and accepting exactly the reviewed values (their digest), so a host that booted differently since is
/// refused rather than trusted unseen.
/// </summary>
public partial class MeasurementsPage
{
    private const int NameMaxLength = 128;

    private HgsPageActions _actions = default!;
    private BaselineCaptureDto? _capture;
    private TpmBaselineDto? _accepted;
    private bool _loading = true;
    private string? _name;
    private string? _nameError;

    [Parameter]
    public Guid HostId { get; set; }

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    private bool NameIsValid => NameProblem(_name) is null;

    protected override async Task OnInitializedAsync()
    {
        _actions = new HgsPageActions(Dialogs, Scopes);
        await LoadAsync();
    }

    /// <summary>The baseline's value of a PCR: the allowed value where it differs, else the measured one (they are equal); none without a baseline.</summary>
    private static byte[]? Allowed(BaselineCaptureDto capture, int index) =>
        capture.Differences.FirstOrDefault(d => d.Index == index) is { } difference
            ? difference.Allowed
            : capture.NearestBaseline is null ? null : capture.Pcrs.First(p => p.Index == index).Digest;

    private static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the baseline a name (1–128 characters)."
        : name.Trim().Length > NameMaxLength ? $"A baseline name is at most {NameMaxLength} characters; this one has {name.Trim().Length}."
        : null;

    private void SetName(string? value)
    {
        _name = value;
        _nameError = NameProblem(value);
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _capture = await _actions.QueryAsync<BaselineAdministration, BaselineCaptureDto?>(baselines => baselines.CaptureAsync(HostId, CancellationToken.None));
        _loading = false;
    }

    private async Task AcceptAsync()
    {
        _nameError = NameProblem(_name);
        if (_nameError is not null || _capture is not { } reviewed)
        {
            return;
        }

        var name = _name!.Trim();
        _actions.Clear();
        var accepted = await _actions.RunAsync<BaselineAdministration>(
            async baselines =>
            {
                _accepted = await baselines.AcceptAsync(new AcceptBaselineRequest(reviewed.HostId, name, reviewed.PcrDigest), CancellationToken.None);
                return $"Accepted the baseline \"{_accepted.Name}\" captured from {reviewed.HostName}.";
            },
            new HgsConfirmation(
                "Accept these measurements?",
                $"Every host measuring exactly these PCR values will pass HGS's TPM baseline check, starting with {reviewed.HostName} at its next attestation.",
                "Accept"));
        if (!accepted && _actions.IsError)
        {
            // Refused (e.g. the host measured a different boot since): show the review again, as it is now.
            await LoadAsync();
        }
    }
}
