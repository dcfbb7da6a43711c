namespace Portal.Web.Features.Fabric;

/// <summary>"12 s ago", "5 min ago", "3 h ago": how long ago something happened, as a person reads it.</summary>
public static class RelativeTime
{
    public static string Ago(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } moment)
        {
            return "never";
        }

        var age = now - moment;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age switch
        {
            { TotalSeconds: < 60 } => $"{(int)age.TotalSeconds} s ago",
            { TotalMinutes: < 60 } => $"{(int)age.TotalMinutes} min ago",
            { TotalHours: < 48 } => $"{(int)age.TotalHours} h ago",
            _ => $"on {moment:yyyy-MM-dd}",
        };
    }
}
