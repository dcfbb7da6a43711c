using Microsoft.EntityFrameworkCore;

namespace Portal.Data.Postgres;

/// <summary>The model on PostgreSQL (production); owns the migrations under Postgres/Migrations.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options)
    : PortalDbContext(options);
