using Microsoft.Extensions.Configuration;

namespace Fluo.Hosting.Processes;

/// <summary>Finds the server binaries: a configured path first (<c>FLUO_NATS_SERVER</c>, <c>FLUO_PG_BIN</c>), then PATH and Debian's locations.</summary>
internal static class BinaryLocator
{
    /// <summary>The <c>nats-server</c> executable, or an error message naming the resource.</summary>
    public static (string? Path, string? Error) FindNatsServer(IConfiguration configuration, string resourceName)
    {
        if (configuration["FLUO_NATS_SERVER"] is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? (configured, null)
                : (null, $"Resource '{resourceName}': FLUO_NATS_SERVER points at '{configured}', which does not exist; fix it or install nats-server (apt-get install nats-server).");
        }

        return ProcessLauncher.FindOnPath("nats-server") is { } found
            ? (found, null)
            : (null, $"Resource '{resourceName}': 'nats-server' was not found on PATH; install it with 'apt-get install nats-server' (or eng/install-prerequisites.sh) or set FLUO_NATS_SERVER.");
    }

    /// <summary>The PostgreSQL bin directory (newest under /usr/lib/postgresql), or an error message naming the resource.</summary>
    public static (string? Path, string? Error) FindPostgresBin(IConfiguration configuration, string resourceName)
    {
        if (configuration["FLUO_PG_BIN"] is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) && File.Exists(Path.Combine(configured, "postgres"))
                ? (configured, null)
                : (null, $"Resource '{resourceName}': FLUO_PG_BIN points at '{configured}', which has no 'initdb' and 'postgres'; fix it or install PostgreSQL (apt-get install postgresql).");
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
        return newest is not null
            ? (newest, null)
            : (null, $"Resource '{resourceName}': PostgreSQL server binaries were not found under {root}/*/bin; install them with 'apt-get install postgresql' (or eng/install-prerequisites.sh) or set FLUO_PG_BIN.");
    }
}
