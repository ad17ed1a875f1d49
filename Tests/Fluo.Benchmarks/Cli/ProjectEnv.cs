using Fluo.Hosting.ApplicationModel;

namespace Fluo.Benchmarks.Cli;

/// <summary>Runtime knobs for an experiment: every <c>flag K=V</c> pair on the command line becomes an environment variable of the given projects.</summary>
internal static class ProjectEnv
{
    /// <summary>
    /// Adds each <paramref name="flag"/> <c>K=V</c> in <paramref name="args"/> to the projects' environments, after Aspire's own
    /// variables, so it wins (e.g. <c>--env OTEL_TRACES_SAMPLER=parentbased_traceidratio</c>, <c>--web-env DOTNET_gcServer=1</c>).
    /// </summary>
    public static void Apply(string[] args, string flag, IEnumerable<ProjectResource> projects)
    {
        var targets = projects.ToList();
        for (var i = Array.IndexOf(args, flag); i >= 0 && i + 1 < args.Length; i = Array.IndexOf(args, flag, i + 1))
        {
            var pair = args[i + 1].Split('=', 2);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                throw new ArgumentException($"{flag} takes KEY=VALUE, not '{args[i + 1]}'.");
            }

            foreach (var project in targets)
            {
                project.Environment.Add(new EnvironmentEntry(pair[0], EnvironmentValueKind.Literal, pair[1]));
            }
        }
    }
}
