namespace Portal.Web.Infrastructure.Credentials;

/// <summary>
/// What a cached credential authenticates as. <see cref="OwnerId"/> is whose change makes every process forget it: the
/// user for an API token, the host for a host credential.
/// </summary>
public interface ICredentialHolder
{
    Guid OwnerId { get; }
}
