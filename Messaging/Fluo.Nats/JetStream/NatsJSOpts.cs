namespace Fluo.Nats.JetStream;

/// <summary>Options of a JetStream context.</summary>
public sealed record NatsJSOpts
{
    /// <summary>The default options: <c>$JS.API</c>, the connection's request timeout.</summary>
    public static NatsJSOpts Default { get; } = new();

    /// <summary>JetStream domain: the API becomes <c>$JS.&lt;domain&gt;.API</c>. Ignored when <see cref="ApiPrefix"/> is set.</summary>
    public string? Domain { get; init; }

    /// <summary>Explicit API prefix (for imported JetStream), e.g. <c>$JS.API</c> or <c>JS.hub.API</c>.</summary>
    public string? ApiPrefix { get; init; }

    /// <summary>Timeout of API requests and publish acks; null: the connection's <see cref="NatsOpts.RequestTimeout"/>.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>The API prefix in use.</summary>
    public string Prefix => ApiPrefix ?? (string.IsNullOrEmpty(Domain) ? "$JS.API" : $"$JS.{Domain}.API");
}
