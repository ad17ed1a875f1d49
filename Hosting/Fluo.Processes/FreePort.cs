using System.Net;
using System.Net.Sockets;

namespace Fluo.Processes;

/// <summary>Hands out loopback TCP ports that are free at the moment of the call.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>Returns a port that nothing listens on now and that this process has not handed out before.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Handed)
            {
                // The kernel may hand the same ephemeral port out twice in a row; a port given to one
                // server must not be given to the next one before the first has bound it.
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("Could not find a free loopback port after 100 attempts.");
    }

    /// <summary>True when nothing listens on <paramref name="port"/> on the loopback address.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
