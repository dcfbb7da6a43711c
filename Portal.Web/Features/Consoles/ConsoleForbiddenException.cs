namespace Portal.Web.Features.Consoles;

/// <summary>A console refused before any VM rule applies (a cookie-authenticated upgrade from another site).</summary>
public sealed class ConsoleForbiddenException(string message) : Exception(message);
