using System.Diagnostics;

namespace Fluo.Nats;

/// <summary>Handler spans for received messages.</summary>
public static class NatsMsgActivityExtensions
{
    /// <summary>
    /// Starts a Consumer "process" span for handling <paramref name="msg"/> on <paramref name="source"/> (default:
    /// <see cref="NatsTelemetry.Source"/>). The span is a child of the client's receive span, or of the producer's
    /// context carried in the headers, so one message flow reads as one trace. With <paramref name="link"/> the
    /// producer context becomes a span link instead and the span starts a new trace (for batch handlers).
    /// </summary>
    public static Activity? StartActivity<T>(this NatsMsg<T> msg, string? name = null, ActivitySource? source = null, bool link = false)
    {
        source ??= NatsTelemetry.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        var producer = msg.ReceiveContext != default ? msg.ReceiveContext : NatsInstrumentation.Extract(msg.Headers);
        var destination = NatsTelemetry.DestinationOf(msg.Subject, out var temporary);
        var spanName = name ?? $"process {destination}";
        var activity = link && producer != default
            ? source.StartActivity(spanName, ActivityKind.Consumer, default(ActivityContext), links: [new ActivityLink(producer)])
            : source.StartActivity(spanName, ActivityKind.Consumer, producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(NatsTelemetry.MessagingSystem, "nats");
            activity.SetTag(NatsTelemetry.OperationName, "process");
            activity.SetTag(NatsTelemetry.OperationType, "process");
            NatsTelemetry.SetDestination(activity, msg.Subject, destination, temporary);

            activity.SetTag(NatsTelemetry.EnvelopeSize, msg.Size);
        }

        return activity;
    }
}
