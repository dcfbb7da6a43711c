namespace Portal.E2E.Tests.ScaleOut;

/// <summary>The scale-out classes each start four processes and a proxy: one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ScaleOutCollection
{
    public const string Name = "Scale-out: two portal processes behind nginx";
}
