using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class JobIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_jobs_HostId",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "IX_jobs_State_HostId",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_HostId_State_CreatedAt",
                table: "jobs",
                columns: new[] { "HostId", "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_State_CreatedAt",
                table: "jobs",
                columns: new[] { "State", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_jobs_HostId_State_CreatedAt",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "IX_jobs_State_CreatedAt",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_HostId",
                table: "jobs",
                column: "HostId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_State_HostId",
                table: "jobs",
                columns: new[] { "State", "HostId" });
        }
    }
}
