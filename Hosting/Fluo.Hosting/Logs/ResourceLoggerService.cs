using System.Collections.Concurrent;

namespace Fluo.Hosting.Logs;

/// <summary>
/// Keeps the console output of every resource (the last <see cref="Capacity"/> lines each) for the dashboard
/// and tests, and echoes it to the AppHost's console prefixed with the resource name (coloured on a terminal).
/// </summary>
public sealed partial class ResourceLoggerService(bool echo)
{
    /// <summary>How many lines are kept per resource.</summary>
    public const int Capacity = 10_000;

    private static readonly string[] Colours = ["\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m", "\u001b[91m", "\u001b[96m", "\u001b[95m"];
    private static readonly Lock ConsoleGate = new();
    private readonly ConcurrentDictionary<string, Queue<ResourceLogLine>> _lines = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _colours = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _colour = !Console.IsOutputRedirected;

    /// <summary>Raised for every captured line.</summary>
    public event EventHandler<ResourceLogLine>? LineReceived;

    /// <summary>The kept lines of <paramref name="resourceName"/>, oldest first.</summary>
    public IReadOnlyList<ResourceLogLine> GetLogs(string resourceName)
    {
        if (!_lines.TryGetValue(resourceName, out var queue))
        {
            return [];
        }

        lock (queue)
        {
            return [.. queue];
        }
    }

    internal void Append(string resourceName, int replica, string text, bool isError)
    {
        var line = new ResourceLogLine(DateTimeOffset.UtcNow, resourceName, replica, text, isError);
        var queue = _lines.GetOrAdd(resourceName, _ => new Queue<ResourceLogLine>());
        lock (queue)
        {
            queue.Enqueue(line);
            if (queue.Count > Capacity)
            {
                queue.Dequeue();
            }
        }

        if (echo)
        {
            Echo(line);
        }

        LineReceived?.Invoke(this, line);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\u001b\[[0-9;]*[A-Za-z]")]
    private static partial System.Text.RegularExpressions.Regex Ansi();

    private void Echo(ResourceLogLine line)
    {
        var prefix = line.Replica > 0 ? $"{line.Resource}-{line.Replica}" : line.Resource;
        lock (ConsoleGate)
        {
            if (_colour)
            {
                var colour = _colours.GetOrAdd(line.Resource, _ => Colours[_colours.Count % Colours.Length]);
                Console.Out.WriteLine($"{colour}{prefix,-12}\u001b[0m | {line.Text}");
            }
            else
            {
                Console.Out.WriteLine($"{prefix,-12} | {Ansi().Replace(line.Text, "")}");
            }
        }
    }
}

/// <summary>One line of a resource's console output.</summary>
/// <param name="Timestamp">When it was captured.</param>
/// <param name="Resource">The resource name.</param>
/// <param name="Replica">The replica or cluster node index.</param>
/// <param name="Text">The line.</param>
/// <param name="IsError">True when it came from stderr.</param>
public sealed record ResourceLogLine(DateTimeOffset Timestamp, string Resource, int Replica, string Text, bool IsError);
