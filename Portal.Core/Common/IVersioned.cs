namespace Portal.Core.Common;

/// <summary>
/// An entity clients may update concurrently. <see cref="Version"/> grows by one on every saved change (the data
/// layer bumps it and uses it as a concurrency token); the API sends it as the ETag and checks If-Match against it.
/// </summary>
public interface IVersioned
{
    Guid Id { get; }

    long Version { get; }
}
