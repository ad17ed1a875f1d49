using Fluo.Nats.Services;

namespace Fluo.Backend.Hosting;

/// <summary>The service errors endpoints answer with (<c>Nats-Service-Error-Code</c>).</summary>
internal static class BackendError
{
    /// <summary>400: the request is not acceptable.</summary>
    public static NatsSvcEndpointException BadRequest(string message) => new(400, message);

    /// <summary>404: the thing asked for does not exist.</summary>
    public static NatsSvcEndpointException NotFound(string message) => new(404, message);

    /// <summary>409: the request contradicts the stored state.</summary>
    public static NatsSvcEndpointException Conflict(string message) => new(409, message);

    /// <summary>Throws a 400 unless <paramref name="limit"/> is within 1..<paramref name="max"/>.</summary>
    public static void CheckLimit(int limit, int max)
    {
        if (limit < 1 || limit > max)
        {
            throw BadRequest($"limit must be between 1 and {max}, not {limit}.");
        }
    }

    /// <summary>Throws a 400 when <paramref name="id"/> is empty.</summary>
    public static void CheckId(Guid id, string name = "id")
    {
        if (id == Guid.Empty)
        {
            throw BadRequest($"{name} is required.");
        }
    }

    /// <summary>Throws a 400 unless <paramref name="value"/> is a named member of its enum (JSON also accepts numbers).</summary>
    public static void CheckDefined<TEnum>(TEnum value, string name) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw BadRequest($"{name} '{value}' is not valid.");
        }
    }
}
