using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fluo.Nats.Protocol;

/// <summary>Reads and writes the ADR-4 header block (<c>NATS/1.0[ code[ text]]\r\nKey: value\r\n…\r\n</c>).</summary>
internal static class HeaderCodec
{
    private static ReadOnlySpan<byte> Version => "NATS/1.0"u8;

    /// <summary>Bytes <see cref="Write"/> will produce.</summary>
    public static int GetLength(NatsHeaders headers)
    {
        var length = Version.Length + 2 + 2;
        foreach (var (key, values) in headers)
        {
            foreach (var value in values)
            {
                length += key.Length + 2 + Encoding.UTF8.GetByteCount(value ?? string.Empty) + 2;
            }
        }

        return length;
    }

    /// <summary>Writes the block; returns its length.</summary>
    public static int Write(IBufferWriter<byte> writer, NatsHeaders headers)
    {
        var length = GetLength(headers);
        var span = writer.GetSpan(length);
        Version.CopyTo(span);
        var position = Version.Length;
        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        foreach (var (key, values) in headers)
        {
            foreach (var value in values)
            {
                position += Encoding.ASCII.GetBytes(key, span[position..]);
                span[position++] = (byte)':';
                span[position++] = (byte)' ';
                position += Encoding.UTF8.GetBytes(value ?? string.Empty, span[position..]);
                span[position++] = (byte)'\r';
                span[position++] = (byte)'\n';
            }
        }

        span[position++] = (byte)'\r';
        span[position++] = (byte)'\n';
        writer.Advance(position);
        return position;
    }

    /// <summary>Parses a block received from the server into read-only headers.</summary>
    /// <exception cref="NatsProtocolException">The block is malformed.</exception>
    public static NatsHeaders Parse(ReadOnlySpan<byte> block)
    {
        var lineEnd = block.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !block.StartsWith(Version))
        {
            throw new NatsProtocolException("A header block did not start with 'NATS/1.0'.");
        }

        var headers = new NatsHeaders();
        var status = block[Version.Length..lineEnd].TrimStart((byte)' ');
        if (!status.IsEmpty)
        {
            var space = status.IndexOf((byte)' ');
            var codeText = space < 0 ? status : status[..space];
            if (Utf8Parser.TryParse(codeText, out int code, out var used) && used == codeText.Length)
            {
                headers.Code = code;
            }

            if (space >= 0)
            {
                headers.MessageText = Encoding.UTF8.GetString(status[(space + 1)..].Trim((byte)' '));
            }
        }

        var rest = block[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0)
            {
                break;
            }

            var line = rest[..end];
            rest = rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new NatsProtocolException("A header line had no name.");
            }

            var key = Encoding.ASCII.GetString(line[..colon].Trim((byte)' '));
            var value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' '));
            headers.AddParsed(key, value);
        }

        headers.SetReadOnly();
        return headers;
    }
}
