namespace Fluo.Worker.Jobs;

/// <summary>A failure that another attempt cannot fix (bad payload, unknown subject, a data problem): the job fails at once.</summary>
internal sealed class PermanentJobException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A failure that may pass (nobody answering, a timeout, a backend 5xx): the job is retried later.</summary>
internal sealed class TransientJobException(string message, Exception? innerException = null) : Exception(message, innerException);
