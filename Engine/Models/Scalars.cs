using TorchSharp;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>
/// Scalars the engine hands to libtorch, never made for one call and left to the garbage collector. TorchSharp passes
/// a <see cref="Scalar"/>'s raw handle and frees it in its finaliser, so one it makes for a call (an implicit
/// conversion of a double, the default alpha of <c>add</c>; <c>sub</c> of tensors takes none) can be finalised while libtorch still reads it,
/// when a collection runs meanwhile: a TorchError at best, a wrong factor at worst. The constants here live as long as
/// the process; a factor known only at run time goes through <see cref="Times"/> and the like, which dispose their
/// Scalar after the call (so it is alive during it).
/// </summary>
internal static class Scalars
{
    public static readonly Scalar One = 1.ToScalar();

    public static readonly Scalar Zero = 0.ToScalar();

    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>t², as TorchSharp's <c>square()</c> (which makes its exponent 2 as a Scalar for the call).</summary>
    public static Tensor Squared(this Tensor t) => t.pow(Two);

    /// <summary>a + b (no temporary alpha).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b in place (no temporary alpha).</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>factor · a.</summary>
    public static Tensor Times(this Tensor a, double factor) => With(factor, s => a.mul(s));

    /// <summary>a ·= factor in place.</summary>
    public static Tensor TimesInPlace(this Tensor a, double factor) => With(factor, s => a.mul_(s));

    /// <summary>a / divisor.</summary>
    public static Tensor Over(this Tensor a, double divisor) => With(divisor, s => a.div(s));

    /// <summary>a /= divisor in place.</summary>
    public static Tensor OverInPlace(this Tensor a, double divisor) => With(divisor, s => a.div_(s));

    /// <summary>a + constant, elementwise.</summary>
    public static Tensor PlusConstant(this Tensor a, double constant) => With(constant, s => a.add(s, One));

    /// <summary>Runs <paramref name="op"/> with <paramref name="value"/> as a Scalar that stays alive through the call and is freed after it.</summary>
    private static Tensor With(double value, Func<Scalar, Tensor> op)
    {
        using var scalar = value.ToScalar();
        return op(scalar);
    }
}
