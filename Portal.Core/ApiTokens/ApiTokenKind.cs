namespace Portal.Core.ApiTokens;

public enum ApiTokenKind
{
    /// <summary>Made by a person on the API tokens page; long-lived, named.</summary>
    Personal,

    /// <summary>Obtained with email and password by a command-line client; short-lived.</summary>
    Session,
}
