using System.Text.Json;
using System.Text.RegularExpressions;
using Fluo.Nats.Services.Internal;
using Fluo.Nats.Services.Models;
using Microsoft.Extensions.Logging;

namespace Fluo.Nats.Services;

/// <summary>
/// A NATS micro service instance, shaped like NATS.Net's <c>NatsSvcServer</c>: endpoints are queue-group
/// subscriptions run by handlers, and the instance answers the discovery subjects <c>$SRV.PING</c>,
/// <c>$SRV.INFO</c> and <c>$SRV.STATS</c> in all three forms (all services, <c>.&lt;name&gt;</c>,
/// <c>.&lt;name&gt;.&lt;id&gt;</c>). Call <see cref="StartAsync"/> (or use
/// <see cref="NatsSvcExtensions.AddServiceAsync"/>) before adding endpoints; dispose to stop.
/// </summary>
public sealed partial class NatsSvcServer : IAsyncDisposable
{
    internal static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private static readonly string[] Verbs = ["PING", "INFO", "STATS"];

    private readonly Lock _lock = new();
    private readonly List<NatsSvcEndpoint> _endpoints = [];
    private readonly List<(INatsSub<ReadOnlyMemory<byte>> Sub, Task Loop)> _discovery = [];
    private int _state; // 0 new, 1 started, 2 stopped

    /// <summary>Creates the service on <paramref name="connection"/>; nothing is subscribed until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The name, version or queue group is not valid.</exception>
    public NatsSvcServer(INatsConnection connection, NatsSvcConfig config)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(config);
        ValidateName(config.Name, nameof(config));
        if (!SemVer().IsMatch(config.Version))
        {
            throw new ArgumentException($"Service version '{config.Version}' is not a semantic version (for example 1.0.0).", nameof(config));
        }

        NatsSubjects.ValidateQueueGroup(config.QueueGroup);
        Connection = connection;
        Config = config;
        Id = Nuid.Next();
        Logger = connection.Opts.LoggerFactory.CreateLogger<NatsSvcServer>();
    }

    /// <summary>The connection the service runs on.</summary>
    public INatsConnection Connection { get; }

    /// <summary>The service's identity.</summary>
    public NatsSvcConfig Config { get; }

    /// <summary>This instance's id (unique per instance, shared by nothing else).</summary>
    public string Id { get; }

    /// <summary>When <see cref="StartAsync"/> ran.</summary>
    public DateTimeOffset Started { get; private set; }

    internal ILogger Logger { get; }

    /// <summary>Subscribes the nine <c>$SRV</c> discovery subjects. Idempotent.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == 2, this);
            return;
        }

        Started = DateTimeOffset.UtcNow;
        foreach (var verb in Verbs)
        {
            foreach (var subject in (string[])[$"$SRV.{verb}", $"$SRV.{verb}.{Config.Name}", $"$SRV.{verb}.{Config.Name}.{Id}"])
            {
                // No queue group: every instance answers discovery requests.
                var sub = await Connection.SubscribeCoreAsync<ReadOnlyMemory<byte>>(subject, cancellationToken: cancellationToken).ConfigureAwait(false);
                lock (_lock)
                {
                    _discovery.Add((sub, Task.Run(() => AnswerAsync(sub, verb), CancellationToken.None)));
                }
            }
        }

        NatsSvcLog.Started(Logger, Config.Name, Config.Version, Id);
    }

    /// <summary>
    /// Adds an endpoint on <paramref name="subject"/> (default: <paramref name="name"/>) in
    /// <paramref name="queueGroup"/> (default: the service's). The handler sees one request at a time; a handler
    /// that throws <see cref="NatsSvcEndpointException"/> answers with that error, any other exception with
    /// error 500, and a payload that cannot be read is answered with error 400 without calling the handler.
    /// </summary>
    public ValueTask AddEndpointAsync<T>(Func<NatsSvcMsg<T>, ValueTask> handler, string name, string? subject = null, string? queueGroup = null, IReadOnlyDictionary<string, string>? metadata = null, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default) =>
        AddEndpointCoreAsync(handler, name, subject ?? name, queueGroup ?? Config.QueueGroup, metadata, serializer, cancellationToken);

    /// <summary>Adds a group: its endpoints' subjects start with <paramref name="prefix"/>.</summary>
    public NatsSvcGroup AddGroup(string prefix, string? queueGroup = null) => new(this, prefix, queueGroup ?? Config.QueueGroup);

    /// <summary>The service's <c>$SRV.PING</c> answer.</summary>
    public PingResponse GetPing() => new(Config.Name, Id, Config.Version, Config.Metadata ?? NoMetadata);

    /// <summary>The service's <c>$SRV.INFO</c> answer.</summary>
    public InfoResponse GetInfo()
    {
        lock (_lock)
        {
            return new InfoResponse(Config.Name, Id, Config.Version, Config.Metadata ?? NoMetadata, Config.Description ?? string.Empty,
                _endpoints.ConvertAll(e => e.Info()));
        }
    }

    /// <summary>The service's <c>$SRV.STATS</c> answer.</summary>
    public StatsResponse GetStats()
    {
        lock (_lock)
        {
            return new StatsResponse(Config.Name, Id, Config.Version, Config.Metadata ?? NoMetadata, Started,
                _endpoints.ConvertAll(e => e.Stats()));
        }
    }

    /// <summary>Sets every endpoint's counters back to zero.</summary>
    public void ResetStats()
    {
        lock (_lock)
        {
            _endpoints.ForEach(e => e.ResetStats());
        }
    }

    /// <summary>Unsubscribes everything and waits for requests being handled to finish.</summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        NatsSvcEndpoint[] endpoints;
        (INatsSub<ReadOnlyMemory<byte>> Sub, Task Loop)[] discovery;
        lock (_lock)
        {
            endpoints = [.. _endpoints];
            discovery = [.. _discovery];
        }

        foreach (var (sub, loop) in discovery)
        {
            await sub.UnsubscribeAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(false);
        }

        foreach (var endpoint in endpoints)
        {
            await endpoint.StopAsync().ConfigureAwait(false);
        }

        NatsSvcLog.Stopped(Logger, Config.Name, Id);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => StopAsync();

    internal async ValueTask AddEndpointCoreAsync<T>(Func<NatsSvcMsg<T>, ValueTask> handler, string name, string subject, string queueGroup, IReadOnlyDictionary<string, string>? metadata, INatsDeserialize<T>? serializer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ValidateName(name, nameof(name));
        NatsSubjects.Validate(subject, allowWildcards: true);
        NatsSubjects.ValidateQueueGroup(queueGroup);
        if (Volatile.Read(ref _state) != 1)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == 2, this);
            throw new InvalidOperationException("Start the service before adding endpoints.");
        }

        lock (_lock)
        {
            if (_endpoints.Exists(e => e.Name == name))
            {
                throw new ArgumentException($"The service already has an endpoint named '{name}'.", nameof(name));
            }
        }

        var endpoint = await NatsSvcEndpoint<T>.StartAsync(this, name, subject, queueGroup, metadata, handler, serializer, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _endpoints.Add(endpoint);
        }
    }

    private async Task AnswerAsync(INatsSub<ReadOnlyMemory<byte>> sub, string verb)
    {
        await foreach (var msg in sub.Msgs.ReadAllAsync().ConfigureAwait(false))
        {
            if (msg.ReplyTo is null)
            {
                continue;
            }

            var body = verb switch
            {
                "PING" => JsonSerializer.SerializeToUtf8Bytes(GetPing(), NatsSvcJsonContext.Default.PingResponse),
                "INFO" => JsonSerializer.SerializeToUtf8Bytes(GetInfo(), NatsSvcJsonContext.Default.InfoResponse),
                _ => JsonSerializer.SerializeToUtf8Bytes(GetStats(), NatsSvcJsonContext.Default.StatsResponse),
            };
            try
            {
                await msg.ReplyAsync(body).ConfigureAwait(false);
            }
            catch (NatsException ex)
            {
                NatsSvcLog.HandlerFailed(Logger, ex, Config.Name, $"$SRV.{verb}", msg.Subject);
            }
        }
    }

    private static void ValidateName(string name, string paramName)
    {
        if (string.IsNullOrEmpty(name) || !ValidName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid name: use letters, digits, '-' and '_'.", paramName);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex ValidName();

    // semver.org's reference pattern.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    private static partial Regex SemVer();
}
