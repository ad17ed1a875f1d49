namespace Fluo.Nats.Services;

/// <summary>A set of endpoints sharing a subject prefix (and, unless they set one, a queue group).</summary>
public sealed class NatsSvcGroup
{
    private readonly NatsSvcServer _server;

    internal NatsSvcGroup(NatsSvcServer server, string prefix, string queueGroup)
    {
        NatsSubjects.Validate(prefix, allowWildcards: false);
        NatsSubjects.ValidateQueueGroup(queueGroup);
        _server = server;
        Prefix = prefix;
        QueueGroup = queueGroup;
    }

    /// <summary>The subject prefix.</summary>
    public string Prefix { get; }

    /// <summary>The default queue group of the group's endpoints.</summary>
    public string QueueGroup { get; }

    /// <summary>Adds an endpoint on <c>&lt;prefix&gt;.&lt;subject or name&gt;</c> (see <see cref="NatsSvcServer.AddEndpointAsync{T}"/>).</summary>
    public ValueTask AddEndpointAsync<T>(Func<NatsSvcMsg<T>, ValueTask> handler, string name, string? subject = null, string? queueGroup = null, IReadOnlyDictionary<string, string>? metadata = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default) =>
        _server.AddEndpointCoreAsync(handler, name, $"{Prefix}.{subject ?? name}", queueGroup ?? QueueGroup, metadata, serializer, cancellationToken);

    /// <summary>Adds a nested group on <c>&lt;prefix&gt;.&lt;name&gt;</c>.</summary>
    public NatsSvcGroup AddGroup(string name, string? queueGroup = null) => new(_server, $"{Prefix}.{name}", queueGroup ?? QueueGroup);
}
