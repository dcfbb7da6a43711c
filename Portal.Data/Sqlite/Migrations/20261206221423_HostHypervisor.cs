using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HostHypervisor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Acceleration",
                table: "guarded_hosts",
                type: "TEXT",
                maxLength: 160,
                nullable: false,
                defaultValue: "unknown");

            migrationBuilder.AddColumn<string>(
                name: "Hypervisor",
                table: "guarded_hosts",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "unknown");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Acceleration",
                table: "guarded_hosts");

            migrationBuilder.DropColumn(
                name: "Hypervisor",
                table: "guarded_hosts");
        }
    }
}
