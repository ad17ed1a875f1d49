namespace Fluo.Nats.KeyValue;

/// <summary>What a key-value entry records (the <c>KV-Operation</c> header; none means a put).</summary>
public enum NatsKVOperation
{
    /// <summary>A value was put.</summary>
    Put,

    /// <summary>The key was deleted (<c>KV-Operation: DEL</c>); earlier values stay in the history.</summary>
    Del,

    /// <summary>The key was purged (<c>KV-Operation: PURGE</c> with a subject rollup): its history is gone.</summary>
    Purge,
}
