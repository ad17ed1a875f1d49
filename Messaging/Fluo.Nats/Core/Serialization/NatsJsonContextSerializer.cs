using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fluo.Nats;

/// <summary>JSON payloads through source-generated metadata (trimming and AOT safe).</summary>
public sealed class NatsJsonContextSerializer<T> : INatsSerializer<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;

    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>Creates a serializer from the type's generated metadata.</summary>
    public NatsJsonContextSerializer(JsonTypeInfo<T> typeInfo) => _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));

    /// <inheritdoc />
    public void Serialize(IBufferWriter<byte> buffer, T value)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            JsonSerializer.Serialize(writer, value, _typeInfo);
        }
        finally
        {
            writer.Reset();
        }
    }

    /// <inheritdoc />
    public T? Deserialize(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return default;
        }

        try
        {
            var reader = new Utf8JsonReader(buffer);
            return JsonSerializer.Deserialize(ref reader, _typeInfo);
        }
        catch (JsonException ex)
        {
            throw new NatsSerializationException($"The payload is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
