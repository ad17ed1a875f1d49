using System.Text.Json.Serialization;

namespace Fluo.Nats;

/// <summary>The server's INFO.</summary>
public sealed record NatsServerInfo
{
    /// <summary>Server id.</summary>
    [JsonPropertyName("server_id")] public string Id { get; init; } = string.Empty;

    /// <summary>Server name.</summary>
    [JsonPropertyName("server_name")] public string Name { get; init; } = string.Empty;

    /// <summary>Server version.</summary>
    [JsonPropertyName("version")] public string Version { get; init; } = string.Empty;

    /// <summary>Protocol version.</summary>
    [JsonPropertyName("proto")] public int ProtocolVersion { get; init; }

    /// <summary>Host the server listens on.</summary>
    [JsonPropertyName("host")] public string Host { get; init; } = string.Empty;

    /// <summary>Port the server listens on.</summary>
    [JsonPropertyName("port")] public int Port { get; init; }

    /// <summary>Whether headers are supported.</summary>
    [JsonPropertyName("headers")] public bool HeadersSupported { get; init; }

    /// <summary>Largest message (headers and payload) the server accepts.</summary>
    [JsonPropertyName("max_payload")] public long MaxPayload { get; init; } = 1024 * 1024;

    /// <summary>Id of this client on the server.</summary>
    [JsonPropertyName("client_id")] public ulong ClientId { get; init; }

    /// <summary>The client's address as seen by the server.</summary>
    [JsonPropertyName("client_ip")] public string? ClientIp { get; init; }

    /// <summary>Whether credentials are required.</summary>
    [JsonPropertyName("auth_required")] public bool AuthRequired { get; init; }

    /// <summary>Whether TLS is required.</summary>
    [JsonPropertyName("tls_required")] public bool TlsRequired { get; init; }

    /// <summary>Whether TLS is offered.</summary>
    [JsonPropertyName("tls_available")] public bool TlsAvailable { get; init; }

    /// <summary>Whether JetStream is enabled.</summary>
    [JsonPropertyName("jetstream")] public bool JetStreamAvailable { get; init; }

    /// <summary>Cluster name.</summary>
    [JsonPropertyName("cluster")] public string? Cluster { get; init; }

    /// <summary>Other servers of the cluster clients may connect to (<c>host:port</c>).</summary>
    [JsonPropertyName("connect_urls")] public IReadOnlyList<string>? ConnectUrls { get; init; }

    /// <summary>True when the server entered lame-duck mode.</summary>
    [JsonPropertyName("ldm")] public bool LameDuckMode { get; init; }
}

[JsonSerializable(typeof(NatsServerInfo))]
internal sealed partial class NatsInternalJsonContext : JsonSerializerContext;
