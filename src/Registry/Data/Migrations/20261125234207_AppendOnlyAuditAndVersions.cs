using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MlOps.Registry.Data.Migrations
{
    /// <summary>
    /// The database itself refuses to change or delete an audit entry or a registered version, whatever the code does.
    /// </summary>
    public partial class AppendOnlyAuditAndVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: rows are never updated or deleted', TG_TABLE_NAME;
                END $$;
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change();
                CREATE TRIGGER model_versions_immutable BEFORE UPDATE OR DELETE ON model_versions FOR EACH ROW EXECUTE FUNCTION refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER model_versions_immutable ON model_versions;
                DROP TRIGGER audit_log_append_only ON audit_log;
                DROP FUNCTION refuse_change();
                """);
        }
    }
}
