using System.Collections.Concurrent;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>
/// One shared copy of the short texts that stored telemetry repeats: service, scope and span names, attribute keys and
/// common attribute values. Every export decodes fresh strings, and the store holds tens of thousands of spans, so
/// without sharing the same few hundred texts are kept once per span, and every collection that promotes the spans
/// copies them again.
/// </summary>
/// <remarks>
/// Bounded: past the capacity a text is kept as given. Names are pooled up to
/// <see cref="MaxNameLength"/> characters, values only up to <see cref="MaxValueLength"/>, which leaves out ids (trace and
/// job ids are 32 characters) and keeps what repeats: methods, status codes, routes, destinations.
/// </remarks>
internal sealed class TextPool(int capacity)
{
    /// <summary>The longest name (of a service, scope, span or attribute) pooled.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest attribute value pooled.</summary>
    public const int MaxValueLength = 24;

    private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>The pool's copy of the name <paramref name="text"/>, added when there is room.</summary>
    public string Share(string text) => Share(text, MaxNameLength);

    /// <summary>The pool's copy of the attribute value <paramref name="text"/>, added when there is room.</summary>
    public string ShareValue(string text) => Share(text, MaxValueLength);

    /// <inheritdoc cref="Share(string)"/>
    public string? ShareOrNull(string? text) => text is null ? null : Share(text);

    private string Share(string text, int maxLength)
    {
        if (text.Length > maxLength || text.Length == 0)
        {
            return text;
        }

        if (_texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            return text;
        }

        // Another thread may have added the same text since the lookup: then its copy is the pool's.
        shared = _texts.GetOrAdd(text, text);
        if (ReferenceEquals(shared, text))
        {
            Interlocked.Increment(ref _count);
        }

        return shared;
    }
}
