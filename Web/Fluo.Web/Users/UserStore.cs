using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Fluo.Web.Users;

/// <summary>A dashboard user as the password hasher sees it.</summary>
/// <param name="UserName">The user name.</param>
public sealed record WebUser(string UserName);

/// <summary>Users in <c>web_users</c>, passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource)
{
    private static readonly PasswordHasher<WebUser> Hasher = new();

    /// <summary>Creates the tables (idempotent).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WebSchema.Sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Creates <paramref name="userName"/> unless it exists; returns whether it was created.</summary>
    public async Task<bool> CreateIfMissingAsync(string userName, string password, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO web_users (user_name, password_hash, is_admin) VALUES ($1, $2, $3) ON CONFLICT (user_name) DO NOTHING");
        command.Parameters.AddWithValue(userName);
        command.Parameters.AddWithValue(Hasher.HashPassword(new WebUser(userName), password));
        command.Parameters.AddWithValue(isAdmin);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Checks a password; returns the user when it matches (rehashing it when the hasher asks for that).</summary>
    public async Task<WebUser?> VerifyAsync(string userName, string password, CancellationToken cancellationToken)
    {
        string? hash;
        await using (var command = dataSource.CreateCommand("SELECT password_hash FROM web_users WHERE user_name = $1"))
        {
            command.Parameters.AddWithValue(userName);
            hash = await command.ExecuteScalarAsync(cancellationToken) as string;
        }

        var user = new WebUser(userName);
        var result = hash is null ? PasswordVerificationResult.Failed : Hasher.VerifyHashedPassword(user, hash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        await using (var command = dataSource.CreateCommand(result == PasswordVerificationResult.SuccessRehashNeeded
            ? "UPDATE web_users SET last_login_at = now(), password_hash = $2 WHERE user_name = $1"
            : "UPDATE web_users SET last_login_at = now() WHERE user_name = $1"))
        {
            command.Parameters.AddWithValue(userName);
            if (result == PasswordVerificationResult.SuccessRehashNeeded)
            {
                command.Parameters.AddWithValue(Hasher.HashPassword(user, password));
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return user;
    }
}
