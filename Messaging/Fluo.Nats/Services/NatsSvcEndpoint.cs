using System.Diagnostics;
using System.Globalization;
using Fluo.Nats.Services.Internal;
using Fluo.Nats.Services.Models;
using Microsoft.Extensions.Logging;

namespace Fluo.Nats.Services;

/// <summary>One endpoint: its subscription, the loop that runs the handler, and its counters.</summary>
internal abstract class NatsSvcEndpoint
{
    private readonly Lock _statsLock = new();
    private long _requests;
    private long _errors;
    private string _lastError = string.Empty;
    private long _processingTicks;

    protected NatsSvcEndpoint(NatsSvcServer server, string name, string subject, string queueGroup, IReadOnlyDictionary<string, string>? metadata)
    {
        Server = server;
        Name = name;
        Subject = subject;
        QueueGroup = queueGroup;
        Metadata = metadata ?? NatsSvcServer.NoMetadata;
    }

    public NatsSvcServer Server { get; }

    public string Name { get; }

    public string Subject { get; }

    public string QueueGroup { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Ends when the subscription has ended and the last request has been handled.</summary>
    public abstract Task Completion { get; }

    public abstract ValueTask StopAsync();

    public EndpointInfo Info() => new(Name, Subject, QueueGroup, Metadata);

    public EndpointStats Stats()
    {
        lock (_statsLock)
        {
            var total = TimeSpan.FromTicks(_processingTicks);
            var average = _requests == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(_processingTicks / _requests);
            return new EndpointStats(Name, Subject, QueueGroup, _requests, _errors, _lastError, total, average);
        }
    }

    public void ResetStats()
    {
        lock (_statsLock)
        {
            _requests = 0;
            _errors = 0;
            _lastError = string.Empty;
            _processingTicks = 0;
        }
    }

    public void RecordError(int code, string message)
    {
        lock (_statsLock)
        {
            _errors++;
            _lastError = string.Concat(code.ToString(CultureInfo.InvariantCulture), ":", message);
        }
    }

    protected void RecordRequest(TimeSpan elapsed)
    {
        lock (_statsLock)
        {
            _requests++;
            _processingTicks += elapsed.Ticks;
        }
    }
}

/// <summary>An endpoint whose requests carry <typeparamref name="T"/>; handles one request at a time, in order.</summary>
internal sealed class NatsSvcEndpoint<T> : NatsSvcEndpoint
{
    private const string ServiceNameTag = "nats.service.name";
    private const string ServiceIdTag = "nats.service.id";
    private const string EndpointTag = "nats.service.endpoint";

    private readonly Func<NatsSvcMsg<T>, ValueTask> _handler;
    private readonly INatsSub<T> _sub;
    private readonly Task _loop;

    private NatsSvcEndpoint(NatsSvcServer server, string name, string subject, string queueGroup, IReadOnlyDictionary<string, string>? metadata, Func<NatsSvcMsg<T>, ValueTask> handler, INatsSub<T> sub)
        : base(server, name, subject, queueGroup, metadata)
    {
        _handler = handler;
        _sub = sub;
        _loop = Task.Run(RunAsync);
    }

    public override Task Completion => _loop;

    public static async Task<NatsSvcEndpoint<T>> StartAsync(NatsSvcServer server, string name, string subject, string queueGroup, IReadOnlyDictionary<string, string>? metadata, Func<NatsSvcMsg<T>, ValueTask> handler, INatsDeserialize<T>? serializer, CancellationToken cancellationToken)
    {
        var sub = await server.Connection.SubscribeCoreAsync(subject, queueGroup, serializer, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new NatsSvcEndpoint<T>(server, name, subject, queueGroup, metadata, handler, sub);
    }

    public override async ValueTask StopAsync()
    {
        await _sub.UnsubscribeAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    private Task RunAsync()
    {
        var readers = Math.Max(1, Server.Config.MaxConcurrency);
        return readers == 1 ? ReadAsync() : Task.WhenAll(Enumerable.Range(0, readers).Select(_ => Task.Run(ReadAsync)));
    }

    // Several readers of one subscription channel handle that many requests at once.
    private async Task ReadAsync()
    {
        await foreach (var msg in _sub.Msgs.ReadAllAsync().ConfigureAwait(false))
        {
            await HandleAsync(msg).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(NatsMsg<T> msg)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = msg.StartActivity();
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ServiceNameTag, Server.Config.Name);
            activity.SetTag(ServiceIdTag, Server.Id);
            activity.SetTag(EndpointTag, Name);
        }

        var request = new NatsSvcMsg<T>(msg, this);
        try
        {
            if (msg.Error is { } error)
            {
                NatsSvcLog.BadRequest(Server.Logger, Server.Config.Name, Name, msg.Subject, error.Message);
                activity?.SetStatus(ActivityStatusCode.Error, "bad request");
                await request.ReplyErrorAsync(400, $"Bad request: {error.Message}").ConfigureAwait(false);
                return;
            }

            await _handler(request).ConfigureAwait(false);
        }
        catch (NatsSvcEndpointException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await ReplyErrorQuietlyAsync(request, ex.Code, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The handler's own message may hold internals; the caller gets a generic error, the log gets the details.
            NatsSvcLog.HandlerFailed(Server.Logger, ex, Server.Config.Name, Name, msg.Subject);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.AddException(ex);
            await ReplyErrorQuietlyAsync(request, 500, "Internal error").ConfigureAwait(false);
        }
        finally
        {
            RecordRequest(Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task ReplyErrorQuietlyAsync(NatsSvcMsg<T> request, int code, string message)
    {
        try
        {
            await request.ReplyErrorAsync(code, message).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            NatsSvcLog.HandlerFailed(Server.Logger, ex, Server.Config.Name, Name, request.Subject);
        }
    }
}
