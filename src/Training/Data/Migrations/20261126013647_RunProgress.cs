using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlOps.Training.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RoundsDone",
                table: "runs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RoundsTotal",
                table: "runs",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RoundsDone",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "RoundsTotal",
                table: "runs");
        }
    }
}
