using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>A bucket's configuration and content.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Info">The underlying stream.</param>
public sealed record NatsKVStatus(string Bucket, StreamInfo Info)
{
    /// <summary>Entries stored, all revisions counted.</summary>
    public ulong Values => Info.State.Messages;

    /// <summary>Bytes stored.</summary>
    public ulong Bytes => Info.State.Bytes;

    /// <summary>Revisions kept per key.</summary>
    public long History => Info.Config.MaxMsgsPerSubject;

    /// <summary>Time to live of values (zero: forever).</summary>
    public TimeSpan MaxAge => Info.Config.MaxAge;

    /// <summary>The stream's name, <c>KV_&lt;bucket&gt;</c>.</summary>
    public string StreamName => Info.Config.Name;
}
