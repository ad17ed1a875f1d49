namespace Fluo.Nats;

/// <summary>Data of a connection event.</summary>
public class NatsEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public NatsEventArgs(string message, string? url = null)
    {
        Message = message;
        Url = url;
    }

    /// <summary>What happened, in words.</summary>
    public string Message { get; }

    /// <summary>The server concerned, when there is one.</summary>
    public string? Url { get; }
}

/// <summary>A message was dropped because its subscription's buffer was full.</summary>
public sealed class NatsMessageDroppedEventArgs : NatsEventArgs
{
    /// <summary>Creates the event data.</summary>
    public NatsMessageDroppedEventArgs(string subject, string subscriptionSubject, int pending, long totalDropped)
        : base($"Dropped a message on '{subject}': the subscription to '{subscriptionSubject}' has {pending} messages pending.")
    {
        Subject = subject;
        SubscriptionSubject = subscriptionSubject;
        Pending = pending;
        TotalDropped = totalDropped;
    }

    /// <summary>Subject of the dropped message.</summary>
    public string Subject { get; }

    /// <summary>Subject the subscription was made on.</summary>
    public string SubscriptionSubject { get; }

    /// <summary>Messages waiting in the subscription when the message arrived.</summary>
    public int Pending { get; }

    /// <summary>Messages this subscription has dropped so far.</summary>
    public long TotalDropped { get; }
}
