using Portal.Core.Common;

namespace Portal.Core.Jobs;

/// <summary>
/// A host reported on a job it no longer holds: its lease expired, the job was given to another attempt (a newer
/// fencing number), or it ended. The report changes nothing.
/// </summary>
public sealed class LeaseLostException(string message) : DomainException(message);
