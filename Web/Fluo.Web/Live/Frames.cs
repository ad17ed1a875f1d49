using System.Buffers;
using System.Text.Json;

namespace Fluo.Web.Live;

/// <summary>Frame types and error codes of the <c>/ws</c> protocol (docs: Web/Fluo.Web/README.md).</summary>
public static class FrameTypes
{
    /// <summary>Client → server: a token for non-browser clients.</summary>
    public const string Authenticate = "authenticate";
    /// <summary>Client → server: start receiving a channel (optional <c>since</c>).</summary>
    public const string Subscribe = "subscribe";
    /// <summary>Client → server: stop receiving a channel.</summary>
    public const string Unsubscribe = "unsubscribe";
    /// <summary>Client → server: send to a channel that allows it.</summary>
    public const string Publish = "publish";
    /// <summary>Client → server: liveness check.</summary>
    public const string Ping = "ping";
    /// <summary>Server → client: who the connection is.</summary>
    public const string Authenticated = "authenticated";
    /// <summary>Server → client: a subscription is active (after its replay).</summary>
    public const string Subscribed = "subscribed";
    /// <summary>Server → client: a subscription ended.</summary>
    public const string Unsubscribed = "unsubscribed";
    /// <summary>Server → client: an event on a channel.</summary>
    public const string Message = "message";
    /// <summary>Server → client: something was refused (code + reason).</summary>
    public const string Error = "error";
    /// <summary>Server → client: answer to ping.</summary>
    public const string Pong = "pong";
}

/// <summary>The codes of error frames.</summary>
public static class ErrorCodes
{
    /// <summary>The frame is not a JSON object.</summary>
    public const string BadFrame = "bad_frame";
    /// <summary>The frame's type is missing or unknown.</summary>
    public const string UnknownType = "unknown_type";
    /// <summary>The channel is missing or unknown.</summary>
    public const string BadChannel = "bad_channel";
    /// <summary>The connection has not authenticated.</summary>
    public const string Unauthenticated = "unauthenticated";
    /// <summary>The token is missing, malformed or expired.</summary>
    public const string InvalidToken = "invalid_token";
    /// <summary>The user already has the maximum of connections (the connection closes).</summary>
    public const string TooManyConnections = "too_many_connections";
    /// <summary>The connection already has the maximum of subscriptions.</summary>
    public const string TooManySubscriptions = "too_many_subscriptions";
    /// <summary>The frame is larger than allowed (the connection closes).</summary>
    public const string FrameTooLarge = "frame_too_large";
    /// <summary>More client frames per second than allowed; the frame was dropped.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>The channel does not accept publish.</summary>
    public const string PublishNotAllowed = "publish_not_allowed";
    /// <summary>The publish could not be carried out.</summary>
    public const string PublishFailed = "publish_failed";
    /// <summary>Replay from the given sequence failed or was cut short.</summary>
    public const string ReplayFailed = "replay_failed";
    /// <summary>Not subscribed to that channel.</summary>
    public const string NotSubscribed = "not_subscribed";
}

/// <summary>A frame from a client, as parsed.</summary>
/// <param name="Type">Its type.</param>
/// <param name="Channel">Its channel, if any.</param>
/// <param name="Id">The client's frame id, echoed in replies as <c>ref</c>.</param>
/// <param name="Since">For subscribe: replay events after this sequence.</param>
/// <param name="Payload">Its payload, if any.</param>
public sealed record ClientFrame(string Type, string? Channel, string? Id, ulong? Since, JsonElement? Payload)
{
    /// <summary>Parses a frame; returns an error code and reason when it is not a valid frame.</summary>
    public static (ClientFrame? Frame, string? Code, string? Reason) Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 32 });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return (null, ErrorCodes.BadFrame, "The frame is not JSON.");
            }

            document = parsed;
        }
        catch (JsonException ex)
        {
            return (null, ErrorCodes.BadFrame, "The frame is not JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, ErrorCodes.BadFrame, "A frame is a JSON object {type, channel, payload, id, timestamp}.");
            }

            var type = Text(root, "type");
            if (type is null)
            {
                return (null, ErrorCodes.UnknownType, "The frame has no string 'type'.");
            }

            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null ? p.Clone() : (JsonElement?)null;
            ulong? since = null;
            if (TryGetSince(root, out var s) || (payload is { ValueKind: JsonValueKind.Object } po && TryGetSince(po, out s)))
            {
                since = s;
            }
            else if (root.TryGetProperty("since", out var bad) && bad.ValueKind != JsonValueKind.Null)
            {
                return (null, ErrorCodes.BadFrame, "'since' must be a non-negative integer sequence.");
            }

            return (new ClientFrame(type, Text(root, "channel"), Text(root, "id"), since, payload), null, null);
        }
    }

    private static bool TryGetSince(JsonElement element, out ulong since)
    {
        since = 0;
        return element.TryGetProperty("since", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out since);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Writes server frames: <c>{type, channel, payload, id, timestamp, seq?, subject?, ref?}</c>.</summary>
public static class ServerFrames
{
    private static long _counter;

    /// <summary>A new server-frame id (unique within this process).</summary>
    public static string NextId() => "s-" + Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Serializes a frame; <paramref name="payloadJson"/> is written as is (it must be JSON).</summary>
    public static byte[] Write(string type, string? channel, ReadOnlySpan<byte> payloadJson, string id, DateTimeOffset timestamp,
        ulong? seq = null, string? subject = null, string? reference = null)
    {
        var buffer = new ArrayBufferWriter<byte>(payloadJson.Length + 160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            if (channel is not null)
            {
                writer.WriteString("channel", channel);
            }

            writer.WritePropertyName("payload");
            if (payloadJson.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(payloadJson, skipInputValidation: true);
            }

            writer.WriteString("id", id);
            writer.WriteString("timestamp", timestamp);
            if (seq is { } s)
            {
                writer.WriteNumber("seq", s);
            }

            if (subject is not null)
            {
                writer.WriteString("subject", subject);
            }

            if (reference is not null)
            {
                writer.WriteString("ref", reference);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Serializes a frame whose payload is built by <paramref name="payload"/>.</summary>
    public static byte[] Write(string type, string? channel, Action<Utf8JsonWriter> payload, string? reference = null)
    {
        var inner = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(inner))
        {
            payload(writer);
        }

        return Write(type, channel, inner.WrittenSpan, NextId(), DateTimeOffset.UtcNow, reference: reference);
    }

    /// <summary>An error frame.</summary>
    public static byte[] Error(string code, string reason, string? channel = null, string? reference = null) =>
        Write(FrameTypes.Error, channel, w =>
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }, reference);
}
