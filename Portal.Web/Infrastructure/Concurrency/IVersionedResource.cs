namespace Portal.Web.Infrastructure.Concurrency;

/// <summary>A representation of an updatable resource; its <see cref="Version"/> is sent as the ETag.</summary>
public interface IVersionedResource
{
    long Version { get; }
}
