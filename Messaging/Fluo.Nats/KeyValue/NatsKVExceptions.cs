namespace Fluo.Nats.KeyValue;

/// <summary>Base type of key-value failures.</summary>
public class NatsKVException : NatsException
{
    /// <summary>Creates the exception.</summary>
    public NatsKVException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>The key has no value: it never existed, or (see <see cref="NatsKVKeyDeletedException"/>) was deleted.</summary>
public class NatsKVKeyNotFoundException : NatsKVException
{
    /// <summary>Creates the exception.</summary>
    public NatsKVKeyNotFoundException(string bucket, string key, string? message = null)
        : base(message ?? $"Key '{key}' not found in bucket '{bucket}'.")
    {
        Bucket = bucket;
        Key = key;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The key.</summary>
    public string Key { get; }
}

/// <summary>The key's latest entry is a delete or purge.</summary>
public sealed class NatsKVKeyDeletedException : NatsKVKeyNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public NatsKVKeyDeletedException(string bucket, string key, ulong revision, NatsKVOperation operation)
        : base(bucket, key, $"Key '{key}' in bucket '{bucket}' was {(operation == NatsKVOperation.Purge ? "purged" : "deleted")} at revision {revision}.")
    {
        Revision = revision;
        Operation = operation;
    }

    /// <summary>The revision of the delete or purge.</summary>
    public ulong Revision { get; }

    /// <summary>Delete or purge.</summary>
    public NatsKVOperation Operation { get; }
}

/// <summary>An update (or a delete/purge with a revision) lost the race: the key's revision is no longer the expected one.</summary>
public sealed class NatsKVWrongLastRevisionException : NatsKVException
{
    /// <summary>Creates the exception.</summary>
    public NatsKVWrongLastRevisionException(string key, ulong expected, Exception? innerException = null)
        : base($"Key '{key}' is no longer at revision {expected}.", innerException)
    {
        Key = key;
        ExpectedRevision = expected;
    }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The revision the caller expected.</summary>
    public ulong ExpectedRevision { get; }
}

/// <summary>A create found the key holding a value.</summary>
public sealed class NatsKVCreateException : NatsKVException
{
    /// <summary>Creates the exception.</summary>
    public NatsKVCreateException(string key, Exception? innerException = null)
        : base($"Key '{key}' already exists.", innerException) => Key = key;

    /// <summary>The key.</summary>
    public string Key { get; }
}
