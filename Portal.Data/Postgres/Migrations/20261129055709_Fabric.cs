using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Fabric : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "guarded_hosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    JoinedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StateChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CredentialPrefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CredentialHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    VmCount = table.Column<int>(type: "integer", nullable: false),
                    RunningVmCount = table.Column<int>(type: "integer", nullable: false),
                    LastHeartbeatAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AgentVersion = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TransportKey = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    AttestationStatus = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AttestationSubStatus = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AttestationReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    AttestationSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HealthCertificateExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RemovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CapacityMemoryGiB = table.Column<int>(type: "integer", nullable: false),
                    CapacityStorageGiB = table.Column<int>(type: "integer", nullable: false),
                    CapacityVcpus = table.Column<int>(type: "integer", nullable: false),
                    UsedMemoryGiB = table.Column<int>(type: "integer", nullable: false),
                    UsedStorageGiB = table.Column<int>(type: "integer", nullable: false),
                    UsedVcpus = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_guarded_hosts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "host_join_tokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SecretHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HostId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_host_join_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_host_join_tokens_guarded_hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "guarded_hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_guarded_hosts_CredentialHash",
                table: "guarded_hosts",
                column: "CredentialHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_guarded_hosts_Name",
                table: "guarded_hosts",
                column: "Name",
                unique: true,
                filter: "\"State\" <> 'Removed'");

            migrationBuilder.CreateIndex(
                name: "IX_host_join_tokens_HostId",
                table: "host_join_tokens",
                column: "HostId");

            migrationBuilder.CreateIndex(
                name: "IX_host_join_tokens_SecretHash",
                table: "host_join_tokens",
                column: "SecretHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "host_join_tokens");

            migrationBuilder.DropTable(
                name: "guarded_hosts");
        }
    }
}
