using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Identity;

public sealed class PortalRole : IdentityRole<Guid>
{
    public PortalRole()
    {
    }

    public PortalRole(string name)
        : base(name)
    {
        Id = Guid.CreateVersion7();
    }
}
