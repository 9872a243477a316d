using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlOps.Serving.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChampionsAndPredictionLogs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "models",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ChampionVersion = table.Column<int>(type: "integer", nullable: true),
                    ChampionArtifactHash = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    ChampionPromotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LatestVersion = table.Column<int>(type: "integer", nullable: true),
                    LatestArtifactHash = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    ShadowShare = table.Column<double>(type: "double precision", nullable: false),
                    PolicyDefinedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_models", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "prediction_windows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Shadow = table.Column<bool>(type: "boolean", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    BlobRef = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_windows", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_prediction_windows_Model_WindowEnd",
                table: "prediction_windows",
                columns: new[] { "Model", "WindowEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_prediction_windows_WindowEnd",
                table: "prediction_windows",
                column: "WindowEnd");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "models");

            migrationBuilder.DropTable(
                name: "prediction_windows");
        }
    }
}
