using System.Diagnostics;

namespace Fluo.Nats;

/// <summary>Spans and trace-context propagation for NATS messages.</summary>
internal static class NatsInstrumentation
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Starts a Producer span for a publish when anyone listens to <see cref="NatsTelemetry.Source"/>.</summary>
    public static Activity? StartPublish(NatsConnection connection, string subject, string? replyTo, int bodySize)
    {
        var destination = NatsTelemetry.DestinationOf(subject, out var temporary);
        var activity = NatsTelemetry.Source.StartActivity($"publish {destination}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            AddCommonTags(activity, connection, subject, destination, temporary, "publish", "send");
            activity.SetTag(NatsTelemetry.BodySize, bodySize);
            if (replyTo is not null)
            {
                activity.SetTag(NatsTelemetry.ReplyTo, NatsTelemetry.DestinationOf(replyTo, out _));
            }
        }

        return activity;
    }

    /// <summary>
    /// Records a Consumer span for a received message, continuing the producer's context from its headers.
    /// The span ends at once (delivery to the subscription); handlers start their own process spans as children.
    /// </summary>
    public static ActivityContext RecordReceive(NatsConnection connection, string subject, string? replyTo, string? queueGroup, NatsHeaders? headers, int bodySize, int size)
    {
        var parent = Extract(headers);
        var destination = NatsTelemetry.DestinationOf(subject, out var temporary);
        using var activity = NatsTelemetry.Source.StartActivity($"receive {destination}", ActivityKind.Consumer, parent);
        if (activity is null)
        {
            return default;
        }

        if (activity.IsAllDataRequested)
        {
            AddCommonTags(activity, connection, subject, destination, temporary, "receive", "receive");
            activity.SetTag(NatsTelemetry.BodySize, bodySize);
            activity.SetTag(NatsTelemetry.EnvelopeSize, size);
            if (queueGroup is not null)
            {
                activity.SetTag(NatsTelemetry.ConsumerGroup, queueGroup);
            }

            if (replyTo is not null)
            {
                activity.SetTag(NatsTelemetry.ReplyTo, NatsTelemetry.DestinationOf(replyTo, out _));
            }
        }

        return activity.Context;
    }

    /// <summary>
    /// Writes the W3C context of <paramref name="activity"/> into the headers, copying read-only (received) headers.
    /// </summary>
    public static NatsHeaders Inject(Activity activity, NatsHeaders? headers)
    {
        if (headers is null)
        {
            headers = new NatsHeaders(2);
        }
        else if (headers.IsReadOnly)
        {
            var copy = new NatsHeaders(headers.Count + 2);
            foreach (var (key, value) in headers)
            {
                copy[key] = value;
            }

            headers = copy;
        }

        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, key, value) =>
        {
            if (carrier is NatsHeaders h && value is not null)
            {
                h[key] = value;
            }
        });
        return headers;
    }

    /// <summary>Reads the W3C context from message headers.</summary>
    public static ActivityContext Extract(NatsHeaders? headers)
    {
        if (headers is null || !headers.ContainsKey(TraceParent))
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = carrier is NatsHeaders h ? h.GetLastValue(name) : null;
        }, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    private static void AddCommonTags(Activity activity, NatsConnection connection, string subject, string destination, bool temporary, string operation, string operationType)
    {
        activity.SetTag(NatsTelemetry.MessagingSystem, "nats");
        activity.SetTag(NatsTelemetry.OperationName, operation);
        activity.SetTag(NatsTelemetry.OperationType, operationType);
        NatsTelemetry.SetDestination(activity, subject, destination, temporary);

        if (connection.ServerInfo is { } info)
        {
            activity.SetTag(NatsTelemetry.ClientId, info.ClientId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (connection.CurrentServer is { } server)
        {
            activity.SetTag(NatsTelemetry.ServerAddress, server.Host);
            activity.SetTag(NatsTelemetry.ServerPort, server.Port);
        }
    }
}
