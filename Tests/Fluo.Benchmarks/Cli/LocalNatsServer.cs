using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fluo.Benchmarks.Cli;

/// <summary>A <c>nats-server</c> from PATH on a free loopback port, in a temp directory; killed on dispose or at exit.</summary>
internal sealed class LocalNatsServer : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;
    private int _disposed;

    private LocalNatsServer(Process process, DirectoryInfo dir, int port)
    {
        _process = process;
        _dir = dir;
        Url = $"nats://127.0.0.1:{port}";
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        Console.CancelKeyPress += (_, _) => Dispose();
    }

    public string Url { get; }

    /// <summary>Starts the server; with <paramref name="jetStream"/> it stores streams in its temp directory.</summary>
    public static LocalNatsServer Start(bool jetStream = false)
    {
        var port = FreePort();
        var dir = Directory.CreateTempSubdirectory("fluo-bench-nats-");
        var info = new ProcessStartInfo("nats-server")
        {
            WorkingDirectory = dir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        if (jetStream)
        {
            foreach (var arg in new[] { "-js", "-sd", Path.Combine(dir.FullName, "jetstream") })
            {
                info.ArgumentList.Add(arg);
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start nats-server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LocalNatsServer(process, dir, port);
        server.WaitUntilListening(port);
        return server;
    }

    private void WaitUntilListening(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with code {_process.ExitCode}.");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        Dispose();
        throw new TimeoutException($"nats-server did not listen on port {port} within 10 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
