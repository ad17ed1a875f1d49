using System.Buffers.Text;
using System.Text;

namespace Fluo.Nats.Protocol;

/// <summary>
/// Parses server frames from a contiguous buffer without allocating. Stateless: when a frame is incomplete
/// it reports how many bytes it needs and the caller retries once more data has arrived.
/// </summary>
internal static class ProtocolParser
{
    /// <summary>Longest control line accepted (INFO with many cluster URLs can be long).</summary>
    public const int MaxControlLine = 64 * 1024;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>
    /// Parses the first frame of <paramref name="buffer"/>. Returns false when more bytes are needed;
    /// <paramref name="needed"/> is then the total frame size when known, else 0.
    /// </summary>
    /// <exception cref="NatsProtocolException">The bytes are not the NATS protocol.</exception>
    public static bool TryParse(ReadOnlySpan<byte> buffer, out ServerFrame frame, out int consumed, out int needed)
    {
        frame = default;
        consumed = 0;
        needed = 0;
        var lineEnd = buffer.IndexOf(Crlf);
        if (lineEnd < 0)
        {
            if (buffer.Length > MaxControlLine)
            {
                throw new NatsProtocolException($"A control line longer than {MaxControlLine} bytes arrived.");
            }

            return false;
        }

        var line = buffer[..lineEnd];
        var op = ParseOp(line, out var argsStart);
        var args = argsStart < line.Length ? line[argsStart..] : [];
        switch (op)
        {
            case ServerOp.Msg:
            case ServerOp.HMsg:
                return ParseMessage(buffer, lineEnd, op, args, out frame, out consumed, out needed);
            case ServerOp.Ping:
            case ServerOp.Pong:
            case ServerOp.Ok:
                frame = new ServerFrame { Op = op };
                consumed = lineEnd + 2;
                return true;
            case ServerOp.Info:
                frame = new ServerFrame { Op = op, Text = args.Trim((byte)' ') };
                consumed = lineEnd + 2;
                return true;
            case ServerOp.Err:
                frame = new ServerFrame { Op = op, Text = args.Trim((byte)' ').Trim((byte)'\'') };
                consumed = lineEnd + 2;
                return true;
            default:
                throw new NatsProtocolException($"Unknown protocol operation: '{Printable(line)}'.");
        }
    }

    private static ServerOp ParseOp(ReadOnlySpan<byte> line, out int argsStart)
    {
        var end = line.IndexOfAny((byte)' ', (byte)'\t');
        var word = end < 0 ? line : line[..end];
        argsStart = end < 0 ? line.Length : end + 1;
        return word.Length switch
        {
            3 when Equals(word, "MSG"u8) => ServerOp.Msg,
            4 when Equals(word, "HMSG"u8) => ServerOp.HMsg,
            4 when Equals(word, "PING"u8) => ServerOp.Ping,
            4 when Equals(word, "PONG"u8) => ServerOp.Pong,
            4 when Equals(word, "INFO"u8) => ServerOp.Info,
            4 when Equals(word, "-ERR"u8) => ServerOp.Err,
            3 when Equals(word, "+OK"u8) => ServerOp.Ok,
            _ => ServerOp.None,
        };
    }

    private static bool Equals(ReadOnlySpan<byte> word, ReadOnlySpan<byte> upper)
    {
        for (var i = 0; i < upper.Length; i++)
        {
            var c = word[i];
            if (c is >= (byte)'a' and <= (byte)'z')
            {
                c -= 32;
            }

            if (c != upper[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool ParseMessage(ReadOnlySpan<byte> buffer, int lineEnd, ServerOp op, ReadOnlySpan<byte> args, out ServerFrame frame, out int consumed, out int needed)
    {
        frame = default;
        consumed = 0;
        needed = 0;
        Span<Range> parts = stackalloc Range[6];
        var count = Split(args, parts);
        var hasHeaders = op == ServerOp.HMsg;
        var expectedWithoutReply = hasHeaders ? 4 : 3;
        if (count != expectedWithoutReply && count != expectedWithoutReply + 1)
        {
            throw new NatsProtocolException($"Malformed {(hasHeaders ? "HMSG" : "MSG")} arguments: '{Printable(args)}'.");
        }

        var subject = args[parts[0]];
        var sid = ParseInt(args[parts[1]]);
        var replyTo = count == expectedWithoutReply ? [] : args[parts[2]];
        int headerLength;
        int totalLength;
        if (hasHeaders)
        {
            headerLength = ParseInt(args[parts[count - 2]]);
            totalLength = ParseInt(args[parts[count - 1]]);
            if (headerLength > totalLength)
            {
                throw new NatsProtocolException($"HMSG header length {headerLength} exceeds total length {totalLength}.");
            }
        }
        else
        {
            headerLength = 0;
            totalLength = ParseInt(args[parts[count - 1]]);
        }

        var payloadStart = lineEnd + 2;
        var frameEnd = payloadStart + totalLength + 2;
        if (buffer.Length < frameEnd)
        {
            needed = frameEnd;
            return false;
        }

        if (buffer[frameEnd - 2] != '\r' || buffer[frameEnd - 1] != '\n')
        {
            throw new NatsProtocolException("A message payload was not followed by CRLF.");
        }

        frame = new ServerFrame
        {
            Op = op,
            Subject = subject,
            Sid = sid,
            ReplyTo = replyTo,
            Headers = buffer.Slice(payloadStart, headerLength),
            Payload = buffer.Slice(payloadStart + headerLength, totalLength - headerLength),
            PayloadOffset = payloadStart + headerLength,
        };
        consumed = frameEnd;
        return true;
    }

    private static int Split(ReadOnlySpan<byte> args, Span<Range> parts)
    {
        var count = 0;
        var i = 0;
        while (i < args.Length)
        {
            while (i < args.Length && (args[i] == ' ' || args[i] == '\t'))
            {
                i++;
            }

            if (i == args.Length)
            {
                break;
            }

            var start = i;
            while (i < args.Length && args[i] != ' ' && args[i] != '\t')
            {
                i++;
            }

            if (count == parts.Length)
            {
                return count + 1;
            }

            parts[count++] = new Range(start, i);
        }

        return count;
    }

    private static int ParseInt(ReadOnlySpan<byte> text)
    {
        if (!Utf8Parser.TryParse(text, out int value, out var used) || used != text.Length || value < 0)
        {
            throw new NatsProtocolException($"Expected a number, got '{Printable(text)}'.");
        }

        return value;
    }

    private static string Printable(ReadOnlySpan<byte> bytes) =>
        Encoding.ASCII.GetString(bytes.Length > 128 ? bytes[..128] : bytes);
}
