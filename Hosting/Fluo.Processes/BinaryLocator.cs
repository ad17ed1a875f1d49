namespace Fluo.Processes;

/// <summary>Finds server executables: a configured path first, then PATH and the sbin directories (Debian's locations).</summary>
public static class BinaryLocator
{
    private const string PostgresRoot = "/usr/lib/postgresql";

    /// <summary>Finds an executable on PATH, in <paramref name="extraDirectories"/>, or in the bin and sbin directories.</summary>
    public static string? FindOnPath(string name, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/local/sbin"])
            .Select(d => System.IO.Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Finds <paramref name="name"/>: at <paramref name="configured"/> (a file, or a directory holding it) when set,
    /// which <paramref name="settingName"/> names in the error; otherwise on PATH. Errors say which Debian package to install.
    /// </summary>
    public static BinaryLookup Find(string name, string? configured, string settingName, string debianPackage)
    {
        if (configured is { Length: > 0 })
        {
            var candidate = Directory.Exists(configured) ? System.IO.Path.Combine(configured, name) : configured;
            return File.Exists(candidate)
                ? new(candidate, null)
                : new(null, $"{settingName} points at '{configured}', which has no '{name}'; fix it or install the Debian package '{debianPackage}' (apt-get install {debianPackage}).");
        }

        return FindOnPath(name) is { } found
            ? new(found, null)
            : new(null, $"'{name}' was not found on PATH or in {settingName}; install it with 'apt-get install {debianPackage}'.");
    }

    /// <summary>The PostgreSQL bin directory: <paramref name="configured"/> (<c>FLUO_PG_BIN</c>) when set, else the newest under /usr/lib/postgresql.</summary>
    public static BinaryLookup FindPostgresBin(string? configured)
    {
        if (configured is { Length: > 0 })
        {
            return IsPostgresBin(configured)
                ? new(configured, null)
                : new(null, $"FLUO_PG_BIN points at '{configured}', which has no 'initdb' and 'postgres'; fix it or install the Debian package 'postgresql' (apt-get install postgresql).");
        }

        var newest = Directory.Exists(PostgresRoot)
            ? Directory.GetDirectories(PostgresRoot)
                .Select(d => (Bin: System.IO.Path.Combine(d, "bin"), Version: int.TryParse(System.IO.Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => d.Version > 0 && IsPostgresBin(d.Bin))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault()
            : null;
        return newest is not null
            ? new(newest, null)
            : new(null, $"PostgreSQL server binaries were not found under {PostgresRoot}/*/bin or in FLUO_PG_BIN; install them with 'apt-get install postgresql'.");
    }

    private static bool IsPostgresBin(string directory) =>
        File.Exists(System.IO.Path.Combine(directory, "initdb")) && File.Exists(System.IO.Path.Combine(directory, "postgres"));
}
