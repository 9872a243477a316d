using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MlOps.Monitoring.Data.Migrations
{
    /// <inheritdoc />
    public partial class DriftWindowsAndAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Model = table.Column<string>(type: "text", nullable: false),
                    Url = table.Column<string>(type: "text", nullable: false),
                    Event = table.Column<string>(type: "text", nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "drift_windows",
                columns: table => new
                {
                    Model = table.Column<string>(type: "text", nullable: false),
                    Window = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Rows = table.Column<long>(type: "bigint", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DriftShare = table.Column<double>(type: "double precision", nullable: false),
                    DriftDetected = table.Column<bool>(type: "boolean", nullable: false),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    Features = table.Column<string>(type: "jsonb", nullable: false),
                    Prediction = table.Column<string>(type: "jsonb", nullable: true),
                    Metric = table.Column<string>(type: "text", nullable: true),
                    HoldoutScore = table.Column<double>(type: "double precision", nullable: true),
                    EvaluatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_drift_windows", x => new { x.Model, x.Window });
                });

            migrationBuilder.CreateTable(
                name: "model_references",
                columns: table => new
                {
                    Model = table.Column<string>(type: "text", nullable: false),
                    ArtifactHash = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: true),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    Task = table.Column<string>(type: "text", nullable: true),
                    Target = table.Column<string>(type: "text", nullable: true),
                    Features = table.Column<string>(type: "jsonb", nullable: false),
                    TargetReference = table.Column<string>(type: "jsonb", nullable: true),
                    Metrics = table.Column<string>(type: "jsonb", nullable: false),
                    TrainedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_model_references", x => new { x.Model, x.ArtifactHash });
                });

            migrationBuilder.CreateTable(
                name: "models",
                columns: table => new
                {
                    Name = table.Column<string>(type: "text", nullable: false),
                    Task = table.Column<string>(type: "text", nullable: true),
                    Target = table.Column<string>(type: "text", nullable: true),
                    WindowRows = table.Column<int>(type: "integer", nullable: false),
                    KsPValue = table.Column<double>(type: "double precision", nullable: false),
                    Psi = table.Column<double>(type: "double precision", nullable: false),
                    DriftShare = table.Column<double>(type: "double precision", nullable: false),
                    CooldownSeconds = table.Column<int>(type: "integer", nullable: false),
                    Webhook = table.Column<string>(type: "text", nullable: true),
                    DefinitionHash = table.Column<string>(type: "text", nullable: true),
                    DefinedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ChampionVersion = table.Column<int>(type: "integer", nullable: true),
                    ChampionArtifactHash = table.Column<string>(type: "text", nullable: true),
                    ChampionProfile = table.Column<string>(type: "jsonb", nullable: true),
                    PromotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpenWindow = table.Column<int>(type: "integer", nullable: false),
                    OpenRows = table.Column<long>(type: "bigint", nullable: false),
                    OpenStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpenEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastDriftAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_models", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "prediction_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Model = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Shadow = table.Column<bool>(type: "boolean", nullable: false),
                    BlobRef = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prediction_logs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "predictions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Model = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: true),
                    Window = table.Column<int>(type: "integer", nullable: true),
                    Shadow = table.Column<bool>(type: "boolean", nullable: false),
                    Prediction = table.Column<string>(type: "text", nullable: true),
                    Label = table.Column<string>(type: "text", nullable: true),
                    PredictedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LabelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_predictions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "window_segments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Model = table.Column<string>(type: "text", nullable: false),
                    Window = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    BlobRef = table.Column<string>(type: "text", nullable: false),
                    Skip = table.Column<int>(type: "integer", nullable: false),
                    Take = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_window_segments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Status_NextAttemptAt",
                table: "alerts",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_model_references_Model_Version",
                table: "model_references",
                columns: new[] { "Model", "Version" });

            migrationBuilder.CreateIndex(
                name: "IX_prediction_logs_Model_BlobRef",
                table: "prediction_logs",
                columns: new[] { "Model", "BlobRef" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_prediction_logs_Model_Id",
                table: "prediction_logs",
                columns: new[] { "Model", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_Model_Window",
                table: "predictions",
                columns: new[] { "Model", "Window" });

            migrationBuilder.CreateIndex(
                name: "IX_window_segments_Model_Window",
                table: "window_segments",
                columns: new[] { "Model", "Window" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "drift_windows");

            migrationBuilder.DropTable(
                name: "model_references");

            migrationBuilder.DropTable(
                name: "models");

            migrationBuilder.DropTable(
                name: "prediction_logs");

            migrationBuilder.DropTable(
                name: "predictions");

            migrationBuilder.DropTable(
                name: "window_segments");
        }
    }
}
