namespace Fluo.Web;

/// <summary>
/// The dashboard's own tables in fluodb, created idempotently by the web process (they belong to no other service,
/// so they live here rather than in Fluo.Data's shared migrations).
/// </summary>
public static class WebSchema
{
    /// <summary>Idempotent DDL; safe to run from several replicas at once.</summary>
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS web_users (
            user_name      text PRIMARY KEY,
            password_hash  text NOT NULL,
            is_admin       boolean NOT NULL DEFAULT false,
            created_at     timestamptz NOT NULL DEFAULT now(),
            last_login_at  timestamptz
        );
        CREATE TABLE IF NOT EXISTS web_dataprotection_keys (
            name        text PRIMARY KEY,
            xml         text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        """;
}
