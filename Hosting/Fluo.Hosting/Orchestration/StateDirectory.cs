using Microsoft.Extensions.Configuration;

namespace Fluo.Hosting.Orchestration;

/// <summary>The per-application state folder: generated parameters and server data that persist between runs.</summary>
internal static class StateDirectory
{
    /// <summary>Options first, then configuration <c>AppHost:StateDirectory</c>, then <c>&lt;AppHost dir&gt;/.state</c>.</summary>
    public static string Resolve(DistributedApplicationModel model, IConfiguration? configuration) =>
        Path.GetFullPath(model.Options.StateDirectory
            ?? configuration?["AppHost:StateDirectory"]
            ?? Path.Combine(model.AppHostDirectory, ".state"));

    /// <summary>True when every directory from the root down to <paramref name="path"/> is traversable by other users.</summary>
    public static bool IsTraversableByOthers(string path)
    {
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Deletes a folder, retrying while dying processes still hold files in it.</summary>
    public static void Delete(string path)
    {
        for (var attempt = 0; attempt < 30 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
