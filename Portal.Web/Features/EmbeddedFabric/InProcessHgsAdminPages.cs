using System.Reflection;
using Portal.HostGuardian.AdminPages;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>
/// Present only when HGS runs in the portal's process: its admin pages (under /hgs/admin) join the portal's router, and
/// the provider admin — in small setups also the HGS admin — reaches them from the provider navigation.
/// </summary>
internal sealed class InProcessHgsAdminPages
{
    public Assembly[] Assemblies { get; } = [typeof(HgsAdminAuthorization).Assembly];
}
