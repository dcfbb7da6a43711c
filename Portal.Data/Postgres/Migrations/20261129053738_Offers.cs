using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Offers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "add_ons",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    MaxPerSubscription = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExtraMemoryGiB = table.Column<int>(type: "integer", nullable: false),
                    ExtraStorageGiB = table.Column<int>(type: "integer", nullable: false),
                    ExtraVcpus = table.Column<int>(type: "integer", nullable: false),
                    ExtraVms = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_add_ons", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "hardware_profiles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Vcpus = table.Column<int>(type: "integer", nullable: false),
                    MemoryGiB = table.Column<int>(type: "integer", nullable: false),
                    DiskGiB = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hardware_profiles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AllowShieldedVms = table.Column<bool>(type: "boolean", nullable: false),
                    InvitationCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    MaxSubscriptionsPerTenant = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    QuotaMemoryGiB = table.Column<int>(type: "integer", nullable: true),
                    QuotaStorageGiB = table.Column<int>(type: "integer", nullable: true),
                    QuotaVcpus = table.Column<int>(type: "integer", nullable: true),
                    QuotaVms = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vm_templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    OsFamily = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OsVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Generation = table.Column<int>(type: "integer", nullable: false),
                    DiskFileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    DiskSizeGiB = table.Column<int>(type: "integer", nullable: false),
                    DefaultHardwareProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    VscName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    VscVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    VscSigner = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    VscDiskHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RetiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vm_templates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_vm_templates_hardware_profiles_DefaultHardwareProfileId",
                        column: x => x.DefaultHardwareProfileId,
                        principalTable: "hardware_profiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "add_on_plans",
                columns: table => new
                {
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    AddOnId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_add_on_plans", x => new { x.AddOnId, x.PlanId });
                    table.ForeignKey(
                        name: "FK_add_on_plans_add_ons_AddOnId",
                        column: x => x.AddOnId,
                        principalTable: "add_ons",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_add_on_plans_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_hardware_profiles",
                columns: table => new
                {
                    HardwareProfileId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_hardware_profiles", x => new { x.PlanId, x.HardwareProfileId });
                    table.ForeignKey(
                        name: "FK_plan_hardware_profiles_hardware_profiles_HardwareProfileId",
                        column: x => x.HardwareProfileId,
                        principalTable: "hardware_profiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_plan_hardware_profiles_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StateChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_subscriptions_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_subscriptions_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "plan_templates",
                columns: table => new
                {
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_templates", x => new { x.PlanId, x.TemplateId });
                    table.ForeignKey(
                        name: "FK_plan_templates_plans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "plans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_plan_templates_vm_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "vm_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "subscription_add_ons",
                columns: table => new
                {
                    AddOnId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscription_add_ons", x => new { x.SubscriptionId, x.AddOnId });
                    table.ForeignKey(
                        name: "FK_subscription_add_ons_add_ons_AddOnId",
                        column: x => x.AddOnId,
                        principalTable: "add_ons",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_subscription_add_ons_subscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "subscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "virtual_machines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    HardwareProfileId = table.Column<Guid>(type: "uuid", nullable: false),
                    Shielded = table.Column<bool>(type: "boolean", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StateChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MemoryGiB = table.Column<int>(type: "integer", nullable: false),
                    StorageGiB = table.Column<int>(type: "integer", nullable: false),
                    Vcpus = table.Column<int>(type: "integer", nullable: false),
                    Vms = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_virtual_machines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_virtual_machines_hardware_profiles_HardwareProfileId",
                        column: x => x.HardwareProfileId,
                        principalTable: "hardware_profiles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_virtual_machines_subscriptions_SubscriptionId",
                        column: x => x.SubscriptionId,
                        principalTable: "subscriptions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_virtual_machines_tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_virtual_machines_vm_templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "vm_templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_add_on_plans_PlanId",
                table: "add_on_plans",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_add_ons_Name",
                table: "add_ons",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_hardware_profiles_Name",
                table: "hardware_profiles",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_plan_hardware_profiles_HardwareProfileId",
                table: "plan_hardware_profiles",
                column: "HardwareProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_plan_templates_TemplateId",
                table: "plan_templates",
                column: "TemplateId");

            migrationBuilder.CreateIndex(
                name: "IX_plans_Name",
                table: "plans",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_plans_State",
                table: "plans",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_subscription_add_ons_AddOnId",
                table: "subscription_add_ons",
                column: "AddOnId");

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_PlanId",
                table: "subscriptions",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_TenantId_State",
                table: "subscriptions",
                columns: new[] { "TenantId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_virtual_machines_HardwareProfileId",
                table: "virtual_machines",
                column: "HardwareProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_virtual_machines_SubscriptionId_State",
                table: "virtual_machines",
                columns: new[] { "SubscriptionId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_virtual_machines_TemplateId",
                table: "virtual_machines",
                column: "TemplateId");

            migrationBuilder.CreateIndex(
                name: "IX_virtual_machines_TenantId_State",
                table: "virtual_machines",
                columns: new[] { "TenantId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_vm_templates_DefaultHardwareProfileId",
                table: "vm_templates",
                column: "DefaultHardwareProfileId");

            migrationBuilder.CreateIndex(
                name: "IX_vm_templates_Name",
                table: "vm_templates",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "add_on_plans");

            migrationBuilder.DropTable(
                name: "plan_hardware_profiles");

            migrationBuilder.DropTable(
                name: "plan_templates");

            migrationBuilder.DropTable(
                name: "subscription_add_ons");

            migrationBuilder.DropTable(
                name: "virtual_machines");

            migrationBuilder.DropTable(
                name: "add_ons");

            migrationBuilder.DropTable(
                name: "subscriptions");

            migrationBuilder.DropTable(
                name: "vm_templates");

            migrationBuilder.DropTable(
                name: "plans");

            migrationBuilder.DropTable(
                name: "hardware_profiles");
        }
    }
}
