using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TemplateLibrary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DiskFileBytes",
                table: "vm_templates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiskSha384",
                table: "vm_templates",
                type: "TEXT",
                maxLength: 96,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_vm_templates_DiskSha384",
                table: "vm_templates",
                column: "DiskSha384");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_vm_templates_DiskSha384",
                table: "vm_templates");

            migrationBuilder.DropColumn(
                name: "DiskFileBytes",
                table: "vm_templates");

            migrationBuilder.DropColumn(
                name: "DiskSha384",
                table: "vm_templates");
        }
    }
}
