namespace Fluo.Testing;

/// <summary>Hands out loopback TCP ports that are free at the moment of the call (see <see cref="Processes.FreePort"/>).</summary>
public static class FreePort
{
    /// <summary>Returns a port that nothing listens on now and that this process has not handed out before.</summary>
    public static int Next() => Fluo.Processes.FreePort.Next();
}
