namespace Fluo.Testing.Processes;

/// <summary>Finds server executables on PATH, in well-known Debian locations, or where an environment variable points.</summary>
public static class BinaryLocator
{
    /// <summary>Finds <paramref name="name"/>, preferring the path in <paramref name="overrideVariable"/>.</summary>
    /// <exception cref="MissingServerBinaryException">The binary is nowhere to be found; the message names the package.</exception>
    public static string Find(string name, string overrideVariable, string debianPackage, params string[] extraDirectories)
    {
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } configured)
        {
            var candidate = Directory.Exists(configured) ? Path.Combine(configured, name) : configured;
            return File.Exists(candidate)
                ? candidate
                : throw new MissingServerBinaryException(
                    $"{overrideVariable} points at '{configured}', which has no '{name}'; fix the variable or install the Debian package '{debianPackage}' (apt-get install {debianPackage}).");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator).Concat(extraDirectories).Concat(["/usr/sbin", "/usr/local/sbin"]))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new MissingServerBinaryException(
            $"'{name}' was not found on PATH or in {overrideVariable}; install it with 'apt-get install {debianPackage}'.");
    }

    /// <summary>Finds the newest PostgreSQL bin directory under <c>/usr/lib/postgresql</c>, or the one <c>FLUO_PG_BIN</c> names.</summary>
    public static string FindPostgresBin()
    {
        if (Environment.GetEnvironmentVariable("FLUO_PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new MissingServerBinaryException(
                    $"FLUO_PG_BIN points at '{configured}', which has no 'initdb'; fix the variable or install the Debian package 'postgresql' (apt-get install postgresql).");
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new MissingServerBinaryException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin or in FLUO_PG_BIN; install them with 'apt-get install postgresql'.");
    }
}
