using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Hosting.Logs;
using Fluo.Hosting.Orchestration;

namespace Fluo.Hosting.Dashboard.Live;

/// <summary>
/// The live feed behind <c>GET /api/events</c> (server-sent events): <c>resource</c> (a resource's new snapshot),
/// <c>console</c> (a console line), <c>trace</c> (trace ids that got spans), <c>log</c> (services that sent
/// structured logs) and <c>metrics</c> (services that sent metrics). Each subscriber has its own bounded queue;
/// a subscriber too slow to keep up loses the oldest events, never slows the AppHost down.
/// </summary>
internal sealed class DashboardEvents
{
    private const int QueueCapacity = 1_000;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly TelemetryStore _store;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;

    public DashboardEvents(TelemetryStore store, ResourceNotificationService notifications, ResourceLoggerService logs) =>
        (_store, _notifications, _logs) = (store, notifications, logs);

    /// <summary>Events from now on until <paramref name="cancellationToken"/> (the client went away), with a comment-free heartbeat.</summary>
    public async IAsyncEnumerable<SseItem<string>> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<SseItem<string>>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void Post(string type, object data) => queue.Writer.TryWrite(new SseItem<string>(JsonSerializer.Serialize(data, Json), type));
        EventHandler<ResourceSnapshot> onResource = (_, s) => Post("resource", s);
        EventHandler<ResourceLogLine> onLine = (_, l) => Post("console", new { l.Resource, l.Replica, l.Text, l.IsError, l.Timestamp });
        EventHandler<TelemetryAddedEventArgs> onTelemetry = (_, e) =>
        {
            if (e.TraceIds.Count > 0)
            {
                Post("trace", new { e.TraceIds });
            }

            if (e.LogServices.Count > 0)
            {
                Post("log", new { Services = e.LogServices });
            }

            if (e.MetricServices.Count > 0)
            {
                Post("metrics", new { Services = e.MetricServices });
            }
        };
        _notifications.Changed += onResource;
        _logs.LineReceived += onLine;
        _store.Added += onTelemetry;
        try
        {
            yield return new SseItem<string>("{}", "hello");
            while (!cancellationToken.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                beat.CancelAfter(Heartbeat);
                SseItem<string>? next = null;
                try
                {
                    next = await queue.Reader.ReadAsync(beat.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                yield return next ?? new SseItem<string>("{}", "heartbeat");
            }
        }
        finally
        {
            _notifications.Changed -= onResource;
            _logs.LineReceived -= onLine;
            _store.Added -= onTelemetry;
        }
    }
}
