namespace OrleansSweeps.Engine.Models.Layers;

/// <summary>
/// The 64-bit Mersenne Twister exactly as C++'s <c>std::mt19937_64</c> defines it (Matsumoto &amp; Nishimura;
/// its output sequence is fixed by the standard), so θ0 for a seed is the same on every platform, libtorch
/// version and engine: the initial parameters of the C++ engine this one replaced included.
/// </summary>
internal sealed class Mt19937_64
{
    private const int N = 312, M = 156;
    private const ulong MatrixA = 0xB5026F5AA96619E9UL, Upper = 0xFFFFFFFF80000000UL, Lower = 0x7FFFFFFFUL;
    private readonly ulong[] _state = new ulong[N];
    private int _index;

    public Mt19937_64(ulong seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++) _state[i] = 6364136223846793005UL * (_state[i - 1] ^ (_state[i - 1] >> 62)) + (ulong)i;
        _index = N;
    }

    public ulong Next()
    {
        if (_index >= N) Twist();
        var x = _state[_index++];
        x ^= (x >> 29) & 0x5555555555555555UL;
        x ^= (x << 17) & 0x71D67FFFEDA60000UL;
        x ^= (x << 37) & 0xFFF7EEE000000000UL;
        return x ^ (x >> 43);
    }

    /// <summary>Uniform on [−bound, bound): 53 bits to [0, 1), then scaled (the C++ engine's conversion).</summary>
    public double Symmetric(double bound) => (2.0 * ((Next() >> 11) * (1.0 / (1UL << 53))) - 1.0) * bound;

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var x = (_state[i] & Upper) | (_state[(i + 1) % N] & Lower);
            _state[i] = _state[(i + M) % N] ^ (x >> 1) ^ ((x & 1) != 0 ? MatrixA : 0);
        }
        _index = 0;
    }
}
