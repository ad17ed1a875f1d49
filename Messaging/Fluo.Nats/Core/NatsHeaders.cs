using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;

namespace Fluo.Nats;

/// <summary>
/// NATS message headers (ADR-4): case-sensitive keys, each with one or more values, plus the status
/// line's code and description on messages from the server (for example 503 for no responders).
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "Named like NATS.Net's NatsHeaders so code ports unchanged.")]
public sealed class NatsHeaders : IDictionary<string, StringValues>
{
    private readonly Dictionary<string, StringValues> _values;

    /// <summary>Creates empty headers.</summary>
    public NatsHeaders() => _values = new Dictionary<string, StringValues>(StringComparer.Ordinal);

    /// <summary>Creates headers with an initial capacity.</summary>
    public NatsHeaders(int capacity) => _values = new Dictionary<string, StringValues>(capacity, StringComparer.Ordinal);

    /// <summary>The status code of the header line (<c>NATS/1.0 503</c>), or 0 when there is none.</summary>
    public int Code { get; internal set; }

    /// <summary>The description after the status code, or empty.</summary>
    public string MessageText { get; internal set; } = string.Empty;

    /// <summary>True once received from the server: received headers cannot be changed.</summary>
    public bool IsReadOnly { get; private set; }

    /// <inheritdoc />
    public StringValues this[string key]
    {
        get => _values.TryGetValue(key, out var value) ? value : StringValues.Empty;
        set
        {
            EnsureWritable();
            ValidateKey(key);
            ValidateValues(value);
            _values[key] = value;
        }
    }

    /// <inheritdoc />
    public ICollection<string> Keys => _values.Keys;

    /// <inheritdoc />
    public ICollection<StringValues> Values => _values.Values;

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public void Add(string key, StringValues value)
    {
        EnsureWritable();
        ValidateKey(key);
        ValidateValues(value);
        _values.Add(key, value);
    }

    /// <summary>Adds a value to a key, keeping the values it already has.</summary>
    public void Append(string key, string value)
    {
        EnsureWritable();
        ValidateKey(key);
        ValidateValue(value);
        _values[key] = _values.TryGetValue(key, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);
    }

    /// <inheritdoc />
    public void Add(KeyValuePair<string, StringValues> item) => Add(item.Key, item.Value);

    /// <inheritdoc />
    public void Clear()
    {
        EnsureWritable();
        _values.Clear();
    }

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, StringValues> item) =>
        _values.TryGetValue(item.Key, out var value) && value.Equals(item.Value);

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, StringValues>>)_values).CopyTo(array, arrayIndex);

    /// <summary>Enumerates the headers without allocating.</summary>
    public Dictionary<string, StringValues>.Enumerator GetEnumerator() => _values.GetEnumerator();

    IEnumerator<KeyValuePair<string, StringValues>> IEnumerable<KeyValuePair<string, StringValues>>.GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc />
    public bool Remove(string key)
    {
        EnsureWritable();
        return _values.Remove(key);
    }

    /// <inheritdoc />
    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && Remove(item.Key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => _values.TryGetValue(key, out value);

    /// <summary>Returns the last value of <paramref name="key"/>, or null.</summary>
    public string? GetLastValue(string key) =>
        _values.TryGetValue(key, out var values) && values.Count > 0 ? values[values.Count - 1] : null;

    internal void SetReadOnly() => IsReadOnly = true;

    internal void AddParsed(string key, string value) =>
        _values[key] = _values.TryGetValue(key, out var existing) ? StringValues.Concat(existing, value) : new StringValues(value);

    private void EnsureWritable()
    {
        if (IsReadOnly)
        {
            throw new InvalidOperationException("Headers of a received message are read-only; copy them into new NatsHeaders to change them.");
        }
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            if (c <= ' ' || c == ':' || c >= 0x7f)
            {
                throw new ArgumentException($"Invalid header name '{key}': printable ASCII without spaces or ':' only.", nameof(key));
            }
        }
    }

    private static void ValidateValues(StringValues values)
    {
        foreach (var value in values)
        {
            ValidateValue(value);
        }
    }

    private static void ValidateValue(string? value)
    {
        if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("Header values must not contain CR or LF.", nameof(value));
        }
    }
}
