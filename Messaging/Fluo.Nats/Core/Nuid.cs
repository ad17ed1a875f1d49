using System.Security.Cryptography;

namespace Fluo.Nats;

/// <summary>
/// NATS unique identifiers: 22 characters of <c>0-9A-Za-z</c>, a 12-character random prefix followed by a
/// 10-digit base-62 sequence that advances by a random step, as nats.go and the nuid reference define them.
/// </summary>
public static class Nuid
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int PrefixLength = 12;
    private const int SequenceLength = 10;
    private const long MaxSequence = 839299365868340224L; // 62^10
    private const int MinIncrement = 33;
    private const int MaxIncrement = 333;

    /// <summary>Length of every identifier.</summary>
    public const int Length = PrefixLength + SequenceLength;

    [ThreadStatic] private static State? t_state;

    /// <summary>Returns a new identifier.</summary>
    public static string Next()
    {
        return string.Create(Length, 0, static (span, _) => Write(span));
    }

    /// <summary>Writes a new identifier into <paramref name="destination"/> (at least <see cref="Length"/> chars).</summary>
    public static void Write(Span<char> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        var state = t_state ??= new State();
        state.Sequence += state.Increment;
        if (state.Sequence >= MaxSequence)
        {
            state.Reset();
        }

        state.Prefix.CopyTo(destination);
        var seq = state.Sequence;
        for (var i = Length - 1; i >= PrefixLength; i--)
        {
            destination[i] = Digits[(int)(seq % 62)];
            seq /= 62;
        }
    }

    private sealed class State
    {
        public readonly char[] Prefix = new char[PrefixLength];
        public long Sequence;
        public long Increment;

        public State() => Reset();

        public void Reset()
        {
            Span<byte> random = stackalloc byte[PrefixLength];
            RandomNumberGenerator.Fill(random);
            for (var i = 0; i < PrefixLength; i++)
            {
                Prefix[i] = Digits[random[i] % 62];
            }

            Sequence = RandomNumberGenerator.GetInt32(int.MaxValue) * 390_000_000L % MaxSequence;
            Increment = RandomNumberGenerator.GetInt32(MinIncrement, MaxIncrement);
        }
    }
}
