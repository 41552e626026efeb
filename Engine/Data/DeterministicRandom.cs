namespace OrleansSweeps.Engine.Data;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna, 2018) seeded through SplitMix64: a small, fast generator whose
/// output is fixed by its definition, so every draw in a sweep is reproducible on any machine and
/// .NET version (System.Random makes no such promise).
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        var x = seed;
        _s0 = SeedScheme.SplitMix64(ref x);
        _s1 = SeedScheme.SplitMix64(ref x);
        _s2 = SeedScheme.SplitMix64(ref x);
        _s3 = SeedScheme.SplitMix64(ref x);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [lo, hi).</summary>
    public double NextDouble(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire, 2019).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        var threshold = (0UL - (ulong)bound) % (ulong)bound;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), (ulong)bound, out var low);
            if (low >= threshold) return (int)product;
        }
    }

    /// <summary>Standard normal draw (Box–Muller; one value per call, the partner is discarded for simplicity).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble(); // (0, 1]
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
