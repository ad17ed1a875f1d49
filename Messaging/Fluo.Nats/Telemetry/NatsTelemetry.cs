using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Fluo.Nats;

/// <summary>
/// The client's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Fluo.Nats</c>
/// (add them with <c>AddSource("Fluo.Nats")</c> and <c>AddMeter("Fluo.Nats")</c>).
/// </summary>
public static class NatsTelemetry
{
    /// <summary>Name of the activity source and the meter.</summary>
    public const string Name = "Fluo.Nats";

    internal static readonly string Version =
        typeof(NatsTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Spans: publish (Producer), receive (Consumer), request (Client).</summary>
    public static readonly ActivitySource Source = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Counter<long> SentMessages = Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages published.");
    internal static readonly Counter<long> ConsumedMessages = Meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Messages delivered to subscriptions.");
    internal static readonly Counter<long> SentBytes = Meter.CreateCounter<long>("nats.client.sent.bytes", "By", "Payload and header bytes published.");
    internal static readonly Counter<long> ReceivedBytes = Meter.CreateCounter<long>("nats.client.received.bytes", "By", "Payload and header bytes received.");
    internal static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("nats.client.reconnects", "{reconnect}", "Connections re-established after a loss.");
    internal static readonly Counter<long> DroppedMessages = Meter.CreateCounter<long>("nats.client.messages.dropped", "{message}", "Messages dropped because a subscription's buffer was full.");
    internal static readonly UpDownCounter<long> ActiveSubscriptions = Meter.CreateUpDownCounter<long>("nats.client.active_subscriptions", "{subscription}", "Subscriptions currently open.");
    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>("messaging.client.operation.duration", "s", "Duration of requests and pings.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    internal const string MessagingSystem = "messaging.system";
    internal const string DestinationName = "messaging.destination.name";
    internal const string DestinationTemporary = "messaging.destination.temporary";
    internal const string DestinationTemplate = "messaging.destination.template";
    internal const string OperationName = "messaging.operation.name";
    internal const string OperationType = "messaging.operation.type";
    internal const string ConsumerGroup = "messaging.consumer.group.name";
    internal const string BodySize = "messaging.message.body.size";
    internal const string EnvelopeSize = "messaging.message.envelope.size";
    internal const string ClientId = "messaging.client.id";
    internal const string ReplyTo = "messaging.nats.message.reply_to";
    internal const string ServerAddress = "server.address";
    internal const string ServerPort = "server.port";

    /// <summary>
    /// A low-cardinality name for a subject, for span names and metric attributes: inboxes collapse to their prefix,
    /// JetStream ack subjects to <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;</c>, key-value subjects to
    /// <c>$KV.&lt;bucket&gt;</c> (a key per job would make a metric series per job); other subjects are used as they are.
    /// </summary>
    public static string DestinationOf(string subject, out bool temporary)
    {
        ArgumentNullException.ThrowIfNull(subject);
        temporary = false;
        if (subject.StartsWith("_INBOX.", StringComparison.Ordinal))
        {
            temporary = true;
            return "_INBOX";
        }

        if (subject.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            var dot = 8;
            for (var tokens = 0; tokens < 2 && dot >= 0; tokens++)
            {
                dot = subject.IndexOf('.', dot + 1);
            }

            return dot > 0 ? subject[..dot] : subject;
        }

        if (subject.StartsWith("$KV.", StringComparison.Ordinal) && subject.IndexOf('.', 4) is var keyDot and > 4)
        {
            return subject[..keyDot];
        }

        return subject;
    }

    /// <summary>
    /// Tags a span with its destination: the subject itself (spans may be high-cardinality), except an inbox's, and
    /// the low-cardinality <paramref name="destination"/> as the template when it differs.
    /// </summary>
    internal static void SetDestination(Activity activity, string subject, string destination, bool temporary)
    {
        if (temporary)
        {
            activity.SetTag(DestinationName, destination);
            activity.SetTag(DestinationTemporary, true);
            return;
        }

        activity.SetTag(DestinationName, subject);
        if (!string.Equals(destination, subject, StringComparison.Ordinal))
        {
            activity.SetTag(DestinationTemplate, destination);
        }
    }
}
