using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.HostGuardian.Store.Migrations
{
    /// <inheritdoc />
    public partial class TpmAttestation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Baselines were composite digests of the simulated quote, which no TPM produces: they cannot be carried over.
            migrationBuilder.Sql("DELETE FROM \"TpmBaselines\";");

            migrationBuilder.AddColumn<string>(
                name: "CapturedFrom",
                table: "TpmBaselines",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Pcrs",
                table: "TpmBaselines",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "EndorsementKeyCertificate",
                table: "Hosts",
                type: "BLOB",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AttestationKeys",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    HostId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PublicArea = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ActivatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AttestationKeys", x => x.Name);
                    table.ForeignKey(
                        name: "FK_AttestationKeys_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Measurements",
                columns: table => new
                {
                    HostId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Pcrs = table.Column<string>(type: "TEXT", nullable: false),
                    PcrDigest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EventLog = table.Column<byte[]>(type: "BLOB", nullable: false),
                    MeasuredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Measurements", x => x.HostId);
                    table.ForeignKey(
                        name: "FK_Measurements_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PendingActivations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AttestationKeyName = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    AttestationKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SecretHash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingActivations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PendingActivations_Hosts_HostId",
                        column: x => x.HostId,
                        principalTable: "Hosts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AttestationKeys_HostId",
                table: "AttestationKeys",
                column: "HostId");

            migrationBuilder.CreateIndex(
                name: "IX_PendingActivations_ExpiresAt",
                table: "PendingActivations",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_PendingActivations_HostId",
                table: "PendingActivations",
                column: "HostId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AttestationKeys");

            migrationBuilder.DropTable(
                name: "Measurements");

            migrationBuilder.DropTable(
                name: "PendingActivations");

            migrationBuilder.DropColumn(
                name: "CapturedFrom",
                table: "TpmBaselines");

            migrationBuilder.DropColumn(
                name: "Pcrs",
                table: "TpmBaselines");

            migrationBuilder.DropColumn(
                name: "EndorsementKeyCertificate",
                table: "Hosts");
        }
    }
}
