using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fluo.Nats;

/// <summary>
/// Options of a <see cref="NatsConnection"/>. Defaults follow NATS.Net v2 and nats.go where they agree;
/// <see cref="Url"/> may hold several comma-separated URLs and credentials (<c>nats://user:pass@host:4222</c>),
/// which is how Aspire passes connection strings.
/// </summary>
public sealed record NatsOpts
{
    /// <summary>The defaults.</summary>
    public static readonly NatsOpts Default = new();

    /// <summary>Server URL(s), comma-separated. Schemes: <c>nats</c>, <c>tls</c> (TLS required).</summary>
    public string Url { get; init; } = "nats://localhost:4222";

    /// <summary>Connection name shown by the server's monitoring.</summary>
    public string? Name { get; init; }

    /// <summary>User for user/password authentication (overrides credentials in the URL).</summary>
    public string? Username { get; init; }

    /// <summary>Password for user/password authentication.</summary>
    public string? Password { get; init; }

    /// <summary>Token for token authentication.</summary>
    public string? Token { get; init; }

    /// <summary>TLS settings.</summary>
    public NatsTlsOpts Tls { get; init; } = NatsTlsOpts.Default;

    /// <summary>Whether the server echoes this connection's own publishes to its subscriptions.</summary>
    public bool Echo { get; init; } = true;

    /// <summary>Time allowed for TCP connect, TLS and the CONNECT/PONG handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Default timeout of <see cref="INatsConnection.RequestAsync{TRequest,TReply}"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of <see cref="NatsConnection.DisposeAsync"/>'s drain (flush and unsubscribe).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Interval of the client's PINGs used to detect stale connections.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Unanswered PINGs after which the connection is considered stale and re-established.</summary>
    public int MaxPingOut { get; init; } = 2;

    /// <summary>First wait between reconnect passes; doubled per failed pass up to <see cref="ReconnectWaitMax"/>.</summary>
    public TimeSpan ReconnectWaitMin { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the wait between reconnect passes.</summary>
    public TimeSpan ReconnectWaitMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Random extra wait added to every reconnect wait.</summary>
    public TimeSpan ReconnectJitter { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Failed reconnect passes before the connection closes for good; -1 is unlimited.</summary>
    public int MaxReconnectRetry { get; init; } = -1;

    /// <summary>Keep trying when the first connect fails instead of throwing (services that start before NATS).</summary>
    public bool RetryOnInitialConnect { get; init; }

    /// <summary>Do not shuffle the server pool.</summary>
    public bool NoRandomize { get; init; }

    /// <summary>Bytes of publishes held while disconnected; beyond it publishing throws <see cref="NatsReconnectBufferFullException"/>.</summary>
    public int ReconnectBufferSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Bytes queued for the socket after which publishers wait for the writer to catch up.</summary>
    public int WriterBufferSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Messages buffered per subscription before new ones are dropped (slow consumer).</summary>
    public int SubPendingChannelCapacity { get; init; } = 16 * 1024;

    /// <summary>Serializers for payload types; the default handles raw bytes and strings.</summary>
    public INatsSerializerRegistry SerializerRegistry { get; init; } = NatsDefaultSerializerRegistry.Default;

    /// <summary>Logger factory.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Prefix of inbox subjects.</summary>
    public string InboxPrefix { get; init; } = "_INBOX";
}

/// <summary>TLS options.</summary>
public sealed record NatsTlsOpts
{
    /// <summary>The defaults: TLS when the server requires it, system trust.</summary>
    public static readonly NatsTlsOpts Default = new();

    /// <summary>Require TLS even when the server does not ask for it (also implied by a <c>tls://</c> URL).</summary>
    public bool Required { get; init; }

    /// <summary>PEM file of the CA that signed the server's certificate (added to the system trust).</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate, for servers that verify clients.</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>Accept any server certificate. For development only.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Loads the CA certificates of <see cref="CaFile"/>, if any.</summary>
    internal X509Certificate2Collection? LoadCa()
    {
        if (CaFile is null)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(CaFile);
        return collection;
    }
}
