namespace Fluo.Testing.Processes;

/// <summary>Finds server executables for the fixtures (see <see cref="Fluo.Processes.BinaryLocator"/>): an environment variable first, then PATH.</summary>
public static class BinaryLocator
{
    /// <summary>Finds <paramref name="name"/>, preferring the path (file or directory) in <paramref name="overrideVariable"/>.</summary>
    /// <exception cref="Fluo.Processes.MissingServerBinaryException">The binary is nowhere to be found; the message names the package.</exception>
    public static string Find(string name, string overrideVariable, string debianPackage) =>
        Fluo.Processes.BinaryLocator.Find(name, Environment.GetEnvironmentVariable(overrideVariable), overrideVariable, debianPackage).PathOrThrow();

    /// <summary>Finds the newest PostgreSQL bin directory under <c>/usr/lib/postgresql</c>, or the one <c>FLUO_PG_BIN</c> names.</summary>
    /// <exception cref="Fluo.Processes.MissingServerBinaryException">PostgreSQL is not installed.</exception>
    public static string FindPostgresBin() =>
        Fluo.Processes.BinaryLocator.FindPostgresBin(Environment.GetEnvironmentVariable("FLUO_PG_BIN")).PathOrThrow();
}
