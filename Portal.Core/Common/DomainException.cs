namespace Portal.Core.Common;

/// <summary>Base of every rule violation the domain reports; the web layer maps each kind to one HTTP status.</summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>Input breaks a rule; <see cref="Errors"/> maps field names to messages a person can act on.</summary>
public sealed class DomainValidationException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException("One or more values are not valid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static DomainValidationException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The resource does not exist, or exists but belongs to someone the caller may not see.</summary>
public sealed class NotFoundException(string resource, object key)
    : DomainException($"{resource} '{key}' was not found.")
{
    public string Resource { get; } = resource;
}

/// <summary>The request is valid but the resource's current state refuses it.</summary>
public sealed class StateConflictException(string message) : DomainException(message);
