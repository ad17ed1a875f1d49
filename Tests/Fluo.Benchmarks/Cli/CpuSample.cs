using System.Globalization;

namespace Fluo.Benchmarks.Cli;

/// <summary>
/// CPU time used so far, read from <c>/proc</c>: the machine's (busy, idle and stolen, from <c>/proc/stat</c>) and that of
/// each process in this benchmark's process tree (the servers and services the testing builder started, and this
/// process), grouped by what they run. Two samples give the CPU a phase cost per item, which, unlike throughput, hardly
/// moves when a noisy machine runs slower. Empty where <c>/proc</c> is not there.
/// </summary>
internal sealed class CpuSample
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    private CpuSample(long busy, long idle, long steal, long switches, Dictionary<int, (string Group, long Ticks)> processes)
    {
        (Busy, Idle, Steal, Switches, Processes) = (busy, idle, steal, switches, processes);
    }

    private long Busy { get; }

    private long Idle { get; }

    private long Steal { get; }

    /// <summary>The machine's context switches so far (<c>ctxt</c> in <c>/proc/stat</c>).</summary>
    private long Switches { get; }

    private Dictionary<int, (string Group, long Ticks)> Processes { get; }

    /// <summary>This process's collections per generation and bytes allocated so far (it holds the AppHost's dashboard, which receives every span).</summary>
    private (int Gen0, int Gen1, int Gen2, long Allocated) Gc { get; } = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());

    /// <summary>Samples the machine and this process's tree now.</summary>
    public static CpuSample Take()
    {
        long busy = 0, idle = 0, steal = 0, switches = 0;
        var processes = new Dictionary<int, (string, long)>();
        try
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            var lines = File.ReadAllLines("/proc/stat");
            var cpu = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switches = lines.Where(l => l.StartsWith("ctxt ", StringComparison.Ordinal)).Select(l => long.Parse(l[5..], CultureInfo.InvariantCulture)).FirstOrDefault();
            var f = cpu.Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            busy = f[0] + f[1] + f[2] + f[5] + f[6];
            idle = f[3] + f[4];
            steal = f.Length > 7 ? f[7] : 0;
            var stats = new Dictionary<int, (int Parent, long Ticks)>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } stat)
                {
                    stats[pid] = stat;
                }
            }

            var mine = Environment.ProcessId;
            foreach (var (pid, (_, ticks)) in stats)
            {
                if (IsDescendant(pid, mine, stats))
                {
                    processes[pid] = (GroupOf(pid, mine), ticks);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or /proc unreadable: nothing to report.
        }

        return new CpuSample(busy, idle, steal, switches, processes);
    }

    /// <summary>
    /// Prints the CPU used from <paramref name="start"/> to this sample per item (<paramref name="items"/>): the machine's,
    /// each group's, the share of the machine stolen by its hypervisor, and the machine's context switches per item (each a
    /// hand-off between threads or processes, which on a small VM costs far more than the work it hands off).
    /// </summary>
    public void Report(CpuSample start, long items, string label)
    {
        if (items <= 0 || Busy == 0)
        {
            return;
        }

        double Ms(long ticks) => ticks / TicksPerSecond * 1000 / items;
        var total = (Busy - start.Busy) + (Idle - start.Idle) + (Steal - start.Steal);
        var groups = Processes
            .Select(p => (p.Value.Group, Ticks: p.Value.Ticks - (start.Processes.TryGetValue(p.Key, out var before) ? before.Ticks : 0)))
            .GroupBy(p => p.Group, p => p.Ticks)
            .Select(g => (Group: g.Key, Ticks: g.Sum()))
            .Where(g => g.Ticks > 0)
            .OrderByDescending(g => g.Ticks);
        var perGroup = string.Join(", ", groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Group} {Ms(g.Ticks):F3}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: CPU per trace {Ms(Busy - start.Busy):F3} ms (machine; {100.0 * (Busy - start.Busy) / Math.Max(1, total):F0}% busy, {100.0 * (Steal - start.Steal) / Math.Max(1, total):F1}% stolen, {(Switches - start.Switches) / (double)items:F1} context switches): {perGroup}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: bench process (load, dashboard) allocated {(Gc.Allocated - start.Gc.Allocated) / 1024.0 / items:F1} KB per trace; collections gen0 {Gc.Gen0 - start.Gc.Gen0}, gen1 {Gc.Gen1 - start.Gc.Gen1}, gen2 {Gc.Gen2 - start.Gc.Gen2}"));
    }

    private static (int Parent, long Ticks)? Stat(int pid)
    {
        try
        {
            // pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces and parentheses, so split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null; // gone meanwhile
        }
    }

    private static bool IsDescendant(int pid, int ancestor, Dictionary<int, (int Parent, long Ticks)> stats)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            if (pid == ancestor)
            {
                return true;
            }

            if (pid <= 1 || !stats.TryGetValue(pid, out var stat))
            {
                return false;
            }

            pid = stat.Parent;
        }

        return false;
    }

    /// <summary>What a process runs: a .NET project's assembly name, else the executable's (postgres backends are one group).</summary>
    private static string GroupOf(int pid, int self)
    {
        if (pid == self)
        {
            return "bench";
        }

        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var dll = args.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
            return dll is not null ? Path.GetFileNameWithoutExtension(dll).Replace("Fluo.", "", StringComparison.Ordinal).ToLowerInvariant()
                : args.Length > 0 ? Path.GetFileName(args[0].Split(' ')[0].TrimEnd(':'))
                : "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
