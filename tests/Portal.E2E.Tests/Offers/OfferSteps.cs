using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests.Offers;

/// <summary>Names no other test uses (tests of a class share one database) and the admin's usual set-up steps.</summary>
internal static class OfferSteps
{
    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The admin publishes a plan with an invitation code and nothing else special; returns the plan's name.</summary>
    public static async Task<string> PublishPlanAsync(IPage adminPage, string name, string? invitationCode = null)
    {
        var editor = new PlanEditorPage(adminPage);
        await editor.OpenNewAsync();
        await editor.SetNameAsync(name);
        await editor.SetQuotaAsync("MaxVms", 2);
        if (invitationCode is not null)
        {
            await editor.SetInvitationCodeAsync(invitationCode);
        }

        await editor.CreateAsync(name);
        await editor.PublishAsync();
        return name;
    }

    public static async Task<SubscriptionsPage> SignUpAndOpenSubscriptionsAsync(IPage page, TestTenant tenant)
    {
        await new SignUpPage(page).SignUpAsync(tenant);
        var subscriptions = new SubscriptionsPage(page);
        await subscriptions.OpenAsync();
        return subscriptions;
    }
}
