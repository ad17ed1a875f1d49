using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Fluo.Nats;

/// <summary>The default registry: raw payloads only (bytes, memory, sequences, strings, numbers).</summary>
public sealed class NatsDefaultSerializerRegistry : INatsSerializerRegistry
{
    /// <summary>The shared instance.</summary>
    public static readonly NatsDefaultSerializerRegistry Default = new();

    /// <inheritdoc />
    public INatsSerialize<T> GetSerializer<T>() => NatsRawSerializer<T>.Default;

    /// <inheritdoc />
    public INatsDeserialize<T> GetDeserializer<T>() => NatsRawSerializer<T>.Default;
}

/// <summary>
/// Raw payloads plus JSON for every type known to the given <see cref="JsonSerializerContext"/>s
/// (the way to publish records without reflection).
/// </summary>
public sealed class NatsJsonContextSerializerRegistry : INatsSerializerRegistry
{
    private readonly JsonSerializerContext[] _contexts;
    private readonly ConcurrentDictionary<Type, object> _cache = new();

    /// <summary>Creates the registry over one or more generated contexts.</summary>
    public NatsJsonContextSerializerRegistry(params JsonSerializerContext[] contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        _contexts = contexts;
    }

    /// <inheritdoc />
    public INatsSerialize<T> GetSerializer<T>() => Get<T>();

    /// <inheritdoc />
    public INatsDeserialize<T> GetDeserializer<T>() => Get<T>();

    private INatsSerializer<T> Get<T>()
    {
        if (NatsRawSerializer<T>.IsSupported)
        {
            return NatsRawSerializer<T>.Default;
        }

        return (INatsSerializer<T>)_cache.GetOrAdd(typeof(T), static (_, contexts) =>
        {
            foreach (var context in contexts)
            {
                if (context.GetTypeInfo(typeof(T)) is JsonTypeInfo<T> info)
                {
                    return new NatsJsonContextSerializer<T>(info);
                }
            }

            throw new NatsSerializationException($"No JsonSerializerContext given to the registry knows {typeof(T)}; add [JsonSerializable(typeof({typeof(T).Name}))] to one.");
        }, _contexts);
    }
}
