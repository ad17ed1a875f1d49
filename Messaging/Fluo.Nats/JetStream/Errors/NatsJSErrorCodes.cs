namespace Fluo.Nats.JetStream;

/// <summary>Well-known JetStream <c>err_code</c> values (nats-server errors.json).</summary>
public static class NatsJSErrorCodes
{
    /// <summary>Generic consumer-create error (e.g. a deliver policy change).</summary>
    public const int ConsumerCreate = 10012;

    /// <summary>Consumer name already in use.</summary>
    public const int ConsumerNameInUse = 10013;

    /// <summary>Consumer not found.</summary>
    public const int ConsumerNotFound = 10014;

    /// <summary>Invalid JSON.</summary>
    public const int InvalidJson = 10025;

    /// <summary>No message found.</summary>
    public const int NoMessageFound = 10037;

    /// <summary>JetStream not enabled for the account.</summary>
    public const int NotEnabledForAccount = 10039;

    /// <summary>Invalid stream configuration (also: storage or retention cannot change).</summary>
    public const int InvalidStreamConfig = 10052;

    /// <summary>The name in the subject differs from the one in the body.</summary>
    public const int StreamNameMismatch = 10056;

    /// <summary>Deleting a message is not permitted.</summary>
    public const int DeleteNotPermitted = 10057;

    /// <summary>The stream name is in use with a different configuration.</summary>
    public const int StreamNameInUse = 10058;

    /// <summary>Stream not found.</summary>
    public const int StreamNotFound = 10059;

    /// <summary>Expected stream does not match.</summary>
    public const int ExpectedStreamMismatch = 10060;

    /// <summary>Subjects overlap with another stream.</summary>
    public const int SubjectsOverlap = 10065;

    /// <summary>Expected last message id does not match.</summary>
    public const int WrongLastMsgId = 10070;

    /// <summary>Expected last sequence (or last subject sequence) does not match.</summary>
    public const int WrongLastSequence = 10071;

    /// <summary>JetStream not enabled.</summary>
    public const int NotEnabled = 10076;

    /// <summary>Consumer is active (push bound).</summary>
    public const int ConsumerActive = 10105;

    /// <summary>Rollup not permitted.</summary>
    public const int RollupNotPermitted = 10111;

    /// <summary>max_deliver must be greater than the length of backoff.</summary>
    public const int MaxDeliverBackoff = 10116;

    /// <summary>The filter subject in the create subject differs from the config's.</summary>
    public const int ConsumerCreateFilterSubjectMismatch = 10131;
}
