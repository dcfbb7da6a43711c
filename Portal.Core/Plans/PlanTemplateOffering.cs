namespace Portal.Core.Plans;

/// <summary>One gallery template a plan offers.</summary>
public sealed class PlanTemplateOffering
{
    internal PlanTemplateOffering(Guid templateId)
    {
        TemplateId = templateId;
    }

    public Guid TemplateId { get; private set; }
}
