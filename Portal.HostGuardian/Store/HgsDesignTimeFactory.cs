using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.HostGuardian.Store;

/// <summary>Lets <c>dotnet ef migrations add … -p Portal.HostGuardian</c> build the model without starting HGS.</summary>
internal sealed class HgsDesignTimeFactory : IDesignTimeDbContextFactory<HgsDbContext>
{
    public HgsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<HgsDbContext>().UseSqlite("Data Source=hgs-design.db").Options);
}
