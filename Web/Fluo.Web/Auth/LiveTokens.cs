using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Fluo.Web.Auth;

/// <summary>
/// WebSocket tokens for clients without the dashboard cookie: the user name protected by ASP.NET Core data protection
/// with an expiry. Every replica that shares the key ring (kept in PostgreSQL, <see cref="PostgresXmlRepository"/>)
/// accepts a token any of them issued.
/// </summary>
public sealed class LiveTokens(IDataProtectionProvider provider, IOptions<WebOptions> options, TimeProvider time)
{
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Fluo.Web.LiveToken.v1").ToTimeLimitedDataProtector();

    /// <summary>A token for <paramref name="user"/> and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string user)
    {
        var expires = time.GetUtcNow() + options.Value.TokenLifetime;
        return (_protector.Protect(user, expires), expires);
    }

    /// <summary>The user a token names, or null when it is invalid or expired.</summary>
    public string? Validate(string token)
    {
        try
        {
            return _protector.Unprotect(token, out _);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
