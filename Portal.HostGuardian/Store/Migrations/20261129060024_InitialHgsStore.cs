using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.HostGuardian.Store.Migrations
{
    /// <inheritdoc />
    public partial class InitialHgsStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Attestations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    HostId = table.Column<Guid>(type: "TEXT", nullable: true),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CertificateSerial = table.Column<Guid>(type: "TEXT", nullable: true),
                    CertificateExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TransportKeyThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RemoteAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Attestations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CodeIntegrityPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CodeIntegrityPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "HostGroups",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    SealedCredential = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HostGroups", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Hosts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EndorsementKey = table.Column<byte[]>(type: "BLOB", nullable: true),
                    EndorsementKeyThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    HostKey = table.Column<byte[]>(type: "BLOB", nullable: true),
                    HostKeyThumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Group = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Hosts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Nonces",
                columns: table => new
                {
                    Nonce = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Nonces", x => x.Nonce);
                });

            migrationBuilder.CreateTable(
                name: "ProtectedKeys",
                columns: table => new
                {
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Thumbprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SealedPrivateKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProtectedKeys", x => x.Purpose);
                });

            migrationBuilder.CreateTable(
                name: "RevokedCertificates",
                columns: table => new
                {
                    Serial = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RevokedCertificates", x => x.Serial);
                });

            migrationBuilder.CreateTable(
                name: "TpmBaselines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PcrDigest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TpmBaselines", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Attestations_HostId_Id",
                table: "Attestations",
                columns: new[] { "HostId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CodeIntegrityPolicies_Hash",
                table: "CodeIntegrityPolicies",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_EndorsementKeyThumbprint",
                table: "Hosts",
                column: "EndorsementKeyThumbprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_HostKeyThumbprint",
                table: "Hosts",
                column: "HostKeyThumbprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Hosts_Name",
                table: "Hosts",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Nonces_ExpiresAt",
                table: "Nonces",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_TpmBaselines_PcrDigest",
                table: "TpmBaselines",
                column: "PcrDigest",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Attestations");

            migrationBuilder.DropTable(
                name: "Audit");

            migrationBuilder.DropTable(
                name: "CodeIntegrityPolicies");

            migrationBuilder.DropTable(
                name: "HostGroups");

            migrationBuilder.DropTable(
                name: "Hosts");

            migrationBuilder.DropTable(
                name: "Nonces");

            migrationBuilder.DropTable(
                name: "ProtectedKeys");

            migrationBuilder.DropTable(
                name: "RevokedCertificates");

            migrationBuilder.DropTable(
                name: "TpmBaselines");
        }
    }
}
