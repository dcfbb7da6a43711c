using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ShieldingData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "VscFile",
                table: "vm_templates",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ShieldingDataId",
                table: "virtual_machines",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shielding_data",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FriendlyName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    FileId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileCreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Policy = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    GuardiansJson = table.Column<string>(type: "TEXT", nullable: false),
                    QualifiersJson = table.Column<string>(type: "TEXT", nullable: false),
                    FileLength = table.Column<int>(type: "INTEGER", nullable: false),
                    FileSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    UploadedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    OwnerEncryptionThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    OwnerSigningThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shielding_data", x => x.Id);
                    table.ForeignKey(
                        name: "FK_shielding_data_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_virtual_machines_ShieldingDataId_State",
                table: "virtual_machines",
                columns: new[] { "ShieldingDataId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_shielding_data_TenantId_FriendlyName",
                table: "shielding_data",
                columns: new[] { "TenantId", "FriendlyName" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_virtual_machines_shielding_data_ShieldingDataId",
                table: "virtual_machines",
                column: "ShieldingDataId",
                principalTable: "shielding_data",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_virtual_machines_shielding_data_ShieldingDataId",
                table: "virtual_machines");

            migrationBuilder.DropTable(
                name: "shielding_data");

            migrationBuilder.DropIndex(
                name: "IX_virtual_machines_ShieldingDataId_State",
                table: "virtual_machines");

            migrationBuilder.DropColumn(
                name: "VscFile",
                table: "vm_templates");

            migrationBuilder.DropColumn(
                name: "ShieldingDataId",
                table: "virtual_machines");
        }
    }
}
