namespace Portal.HostAgent.Library;

/// <summary>A template disk could not be fetched or did not verify; the message says which disk and why.</summary>
public sealed class TemplateDiskException(string message, Exception? inner = null) : Exception(message, inner);
