namespace Fluo.Nats;

/// <summary>State of a <see cref="NatsConnection"/>.</summary>
public enum NatsConnectionState
{
    /// <summary>Not connected yet, or disposed.</summary>
    Closed,

    /// <summary>The first connect is in progress.</summary>
    Connecting,

    /// <summary>Connected: operations go straight to the server.</summary>
    Open,

    /// <summary>The connection was lost and is being re-established; publishes are buffered.</summary>
    Reconnecting,
}
