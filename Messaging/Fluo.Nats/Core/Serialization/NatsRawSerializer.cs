using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Fluo.Nats;

/// <summary>
/// Payloads that need no schema: byte arrays, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/>,
/// <see cref="ReadOnlySequence{T}"/> of bytes, <see cref="string"/> (UTF-8) and integers and doubles as UTF-8 text.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Per-type singleton, as NATS.Net's raw serializer.")]
public sealed class NatsRawSerializer<T> : INatsSerializer<T>
{
    /// <summary>The instance; <see cref="IsSupported"/> tells whether <typeparamref name="T"/> is handled.</summary>
    public static readonly NatsRawSerializer<T> Default = new();

    private NatsRawSerializer() { }

    /// <summary>True when this serializer handles <typeparamref name="T"/>.</summary>
    public static bool IsSupported =>
        typeof(T) == typeof(byte[]) || typeof(T) == typeof(ReadOnlyMemory<byte>) || typeof(T) == typeof(Memory<byte>) ||
        typeof(T) == typeof(ReadOnlySequence<byte>) || typeof(T) == typeof(string) || typeof(T) == typeof(int) ||
        typeof(T) == typeof(long) || typeof(T) == typeof(double);

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> buffer, T value)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (value is null)
        {
            return;
        }

        if (typeof(T) == typeof(byte[]))
        {
            buffer.Write((byte[])(object)value);
        }
        else if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            buffer.Write(((ReadOnlyMemory<byte>)(object)value).Span);
        }
        else if (typeof(T) == typeof(Memory<byte>))
        {
            buffer.Write(((Memory<byte>)(object)value).Span);
        }
        else if (typeof(T) == typeof(ReadOnlySequence<byte>))
        {
            foreach (var segment in (ReadOnlySequence<byte>)(object)value)
            {
                buffer.Write(segment.Span);
            }
        }
        else if (typeof(T) == typeof(string))
        {
            var text = (string)(object)value;
            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        }
        else if (typeof(T) == typeof(int))
        {
            var span = buffer.GetSpan(11);
            Utf8Formatter.TryFormat((int)(object)value, span, out var written);
            buffer.Advance(written);
        }
        else if (typeof(T) == typeof(long))
        {
            var span = buffer.GetSpan(20);
            Utf8Formatter.TryFormat((long)(object)value, span, out var written);
            buffer.Advance(written);
        }
        else if (typeof(T) == typeof(double))
        {
            var span = buffer.GetSpan(32);
            ((double)(object)value).TryFormat(span, out var written, "R", System.Globalization.CultureInfo.InvariantCulture);
            buffer.Advance(written);
        }
        else
        {
            throw Unsupported();
        }
    }

    /// <inheritdoc />
    public T? Deserialize(in ReadOnlySequence<byte> buffer)
    {
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)buffer.ToArray();
        }

        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            return (T)(object)new ReadOnlyMemory<byte>(buffer.ToArray());
        }

        if (typeof(T) == typeof(Memory<byte>))
        {
            return (T)(object)new Memory<byte>(buffer.ToArray());
        }

        if (typeof(T) == typeof(ReadOnlySequence<byte>))
        {
            // The receive buffer is reused, so the sequence handed out is a copy.
            return (T)(object)new ReadOnlySequence<byte>(buffer.ToArray());
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)Encoding.UTF8.GetString(buffer);
        }

        if (typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(double))
        {
            if (buffer.IsEmpty)
            {
                return default;
            }

            Span<byte> text = stackalloc byte[64];
            if (buffer.Length > text.Length)
            {
                throw new NatsSerializationException($"The payload is not a {typeof(T).Name}: {buffer.Length} bytes.");
            }

            buffer.CopyTo(text);
            text = text[..(int)buffer.Length];
            if (typeof(T) == typeof(int) && Utf8Parser.TryParse(text, out int i, out var c1) && c1 == text.Length)
            {
                return (T)(object)i;
            }

            if (typeof(T) == typeof(long) && Utf8Parser.TryParse(text, out long l, out var c2) && c2 == text.Length)
            {
                return (T)(object)l;
            }

            if (typeof(T) == typeof(double) && Utf8Parser.TryParse(text, out double d, out var c3) && c3 == text.Length)
            {
                return (T)(object)d;
            }

            throw new NatsSerializationException($"The payload is not a {typeof(T).Name}: '{Encoding.UTF8.GetString(text)}'.");
        }

        throw Unsupported();
    }

    private static NatsSerializationException Unsupported() =>
        new($"No serializer for {typeof(T)}: use bytes or string payloads, or a NatsJsonContextSerializerRegistry with a JsonSerializerContext that includes the type.");
}
