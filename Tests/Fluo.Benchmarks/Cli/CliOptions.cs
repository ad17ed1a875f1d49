using System.Globalization;

namespace Fluo.Benchmarks.Cli;

/// <summary>Arguments of the <c>nats</c> command.</summary>
internal sealed record CliOptions(string Mode, int N, int Size, string? Url, int Repeat)
{
    /// <summary>True for the modes that need a JetStream-enabled server.</summary>
    public bool JetStream => Mode is "jspub" or "jsconsume";

    public static CliOptions Parse(string[] args)
    {
        string mode = "pub";
        int? n = null;
        var size = 16;
        string? url = null;
        var repeat = 1;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--mode": mode = value; break;
                case "--n": n = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--size": size = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--url": url = value; break;
                case "--repeat": repeat = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }

            i++;
        }

        if (mode is not ("pub" or "pubsub" or "req" or "jspub" or "jsconsume"))
        {
            throw new ArgumentException($"Unknown mode '{mode}' (pub, pubsub, req, jspub, jsconsume).");
        }

        var count = n ?? mode switch
        {
            "req" => 20_000,
            "jspub" or "jsconsume" => 200_000,
            _ => 1_000_000,
        };
        if (count <= 0 || size < 0 || repeat <= 0)
        {
            throw new ArgumentException("--n and --repeat must be positive, --size non-negative.");
        }

        return new CliOptions(mode, count, size, url, repeat);
    }
}
