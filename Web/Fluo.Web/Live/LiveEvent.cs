using System.Globalization;
using System.Text.Json;
using Fluo.Contracts.Messaging;
using Fluo.Nats;

namespace Fluo.Web.Live;

/// <summary>
/// One event for clients. <see cref="Seq"/> is the sequence in its source's stream (the KV revision for jobs), so it
/// is the same on every web replica and after restarts; <see cref="Id"/> = <c>{stream}:{seq}</c> is stable too.
/// </summary>
/// <param name="Source">Where it comes from.</param>
/// <param name="Key">The signal or job it is about (empty for system events).</param>
/// <param name="Seq">Stream sequence; what a client sends back as <c>since</c>.</param>
/// <param name="Subject">The NATS subject it was published on.</param>
/// <param name="Payload">The message's JSON as published.</param>
/// <param name="Timestamp">When the stream stored it.</param>
public sealed record LiveEvent(EventSource Source, Guid Key, ulong Seq, string Subject, ReadOnlyMemory<byte> Payload, DateTimeOffset Timestamp)
{
    private byte[]? _sourceFrame;

    /// <summary>The stable id.</summary>
    public string Id => StreamOf(Source) + ":" + Seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>The stream an event source replays from.</summary>
    public static string StreamOf(EventSource source) => source switch
    {
        EventSource.Signals => FluoTopology.SignalsStream,
        EventSource.Jobs => "KV_" + FluoTopology.JobsBucket,
        EventSource.System => FluoTopology.EventsStream,
        _ => "metrics",
    };

    /// <summary>The subject filter of an event source (or of one job's key).</summary>
    public static string FilterOf(EventSource source, Guid job = default) => source switch
    {
        EventSource.Signals => Subjects.Signals,
        EventSource.Jobs => job == Guid.Empty ? "$KV." + FluoTopology.JobsBucket + ".>" : "$KV." + FluoTopology.JobsBucket + "." + job.ToString("N"),
        _ => Subjects.Events,
    };

    /// <summary>The message frame for <paramref name="channel"/>; the frame of the all-events channel is built once and shared.</summary>
    public byte[] FrameFor(LiveChannel channel)
    {
        if (channel.Kind is ChannelKind.Signal or ChannelKind.Job)
        {
            return ServerFrames.Write(FrameTypes.Message, channel.Name, Payload.Span, Id, Timestamp, Seq, Subject);
        }

        return _sourceFrame ??= ServerFrames.Write(FrameTypes.Message, channel.Name, Payload.Span, Id, Timestamp, Seq, Subject);
    }

    /// <summary>An event from a stream message, or null when it is not one clients get (a KV delete, bad JSON).</summary>
    public static LiveEvent? From(EventSource source, string subject, ulong seq, DateTimeOffset timestamp, ReadOnlyMemory<byte> payload, NatsHeaders? headers)
    {
        if (payload.IsEmpty || headers?.ContainsKey("KV-Operation") == true)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var key = source switch
            {
                EventSource.Signals => SignalId(root),
                EventSource.Jobs => Guid.TryParse(subject.AsSpan(subject.LastIndexOf('.') + 1), out var job) ? job : Guid.Empty,
                _ => Guid.Empty,
            };
            return new LiveEvent(source, key, seq, subject, payload.ToArray(), timestamp);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Guid SignalId(JsonElement root)
    {
        // signals.created carries the Signal; signals.status.* a SignalStatusChanged { signal: Signal }.
        var signal = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("signal", out var inner) ? inner : root;
        return signal.ValueKind == JsonValueKind.Object && signal.TryGetProperty("id", out var id) && id.TryGetGuid(out var guid) ? guid : Guid.Empty;
    }
}
