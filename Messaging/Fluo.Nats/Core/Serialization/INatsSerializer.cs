using System.Buffers;

namespace Fluo.Nats;

/// <summary>Writes values of <typeparamref name="T"/> as message payloads.</summary>
public interface INatsSerialize<in T>
{
    /// <summary>Writes <paramref name="value"/> into <paramref name="buffer"/>.</summary>
    void Serialize(IBufferWriter<byte> buffer, T value);
}

/// <summary>Reads values of <typeparamref name="T"/> from message payloads.</summary>
public interface INatsDeserialize<out T>
{
    /// <summary>Reads a value from <paramref name="buffer"/>; an empty payload may give the default value.</summary>
    T? Deserialize(in ReadOnlySequence<byte> buffer);
}

/// <summary>Both directions for <typeparamref name="T"/>.</summary>
public interface INatsSerializer<T> : INatsSerialize<T>, INatsDeserialize<T>;

/// <summary>Finds the serializer for a payload type. Set one on <see cref="NatsOpts.SerializerRegistry"/>.</summary>
public interface INatsSerializerRegistry
{
    /// <summary>The serializer used to publish values of <typeparamref name="T"/>.</summary>
    INatsSerialize<T> GetSerializer<T>();

    /// <summary>The deserializer used to receive values of <typeparamref name="T"/>.</summary>
    INatsDeserialize<T> GetDeserializer<T>();
}
