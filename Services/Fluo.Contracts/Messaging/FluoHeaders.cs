namespace Fluo.Contracts.Messaging;

/// <summary>Header names Fluo adds to messages (besides <c>Nats-Msg-Id</c> and the W3C trace context).</summary>
public static class FluoHeaders
{
    /// <summary>On a dead letter: the subject the job was first published on.</summary>
    public const string OriginalSubject = "Fluo-Original-Subject";

    /// <summary>On a dead letter: the last attempt's error.</summary>
    public const string LastError = "Fluo-Last-Error";

    /// <summary>On a dead letter: how often it was delivered.</summary>
    public const string Deliveries = "Fluo-Deliveries";

    /// <summary>On a dead letter: the original message's stream sequence.</summary>
    public const string OriginalSequence = "Fluo-Original-Sequence";

    /// <summary>The job id of a job message.</summary>
    public const string JobId = "Fluo-Job-Id";
}
