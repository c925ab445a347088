using TorchSharp;
using static TorchSharp.torch;

namespace NasPrune.Supernet.Runtime;

/// <summary>
/// Arithmetic with numbers that keeps each TorchSharp <see cref="Scalar"/> alive for its whole native call.
/// <para>
/// Why: passing a number where TorchSharp wants a Scalar (<c>t.mul(0.5)</c>, <c>add_(g, alpha: lr)</c>,
/// and inside TorchSharp itself <c>a.add(b)</c>, which adds with an implicit alpha of 1) makes a temporary
/// Scalar whose finalizer frees its native value. Only the handle goes to libtorch, so the GC may finalize the
/// temporary while libtorch still reads it: a rare use-after-free that shows up hours into a run as a NaN
/// loss, a wrong learning rate, or libtorch's "Expected false to be true" from Scalar::toLong. Here the
/// constant 1 is a static Scalar (a root, never finalized) and every other number is a Scalar disposed only
/// after its call returns. <c>HiddenScalarTests</c> fails when code calls TorchSharp the unsafe way.
/// </para>
/// </summary>
public static class ScalarMath
{
    private static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + alpha * b.</summary>
    public static Tensor Plus(this Tensor a, Tensor b, double alpha) => With(alpha, s => a.add(b, s));

    /// <summary>a + value.</summary>
    public static Tensor Plus(this Tensor a, double value) => With(value, s => a.add(s, One));

    /// <summary>a += b.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a += value (also for integer tensors: counters).</summary>
    public static Tensor PlusInPlace(this Tensor a, long value)
    {
        if (value == 1) return a.add_(One, One);
        using Scalar s = value.ToScalar();
        return a.add_(s, One);
    }

    /// <summary>a += value.</summary>
    public static Tensor PlusInPlace(this Tensor a, double value) => With(value, s => a.PlusInPlace(s));

    /// <summary>a += value, for a Scalar the caller keeps alive (TorchSharp's add_(Scalar) adds a temporary alpha of 1).</summary>
    public static Tensor PlusInPlace(this Tensor a, Scalar value) => a.add_(value, One);

    /// <summary>a * value.</summary>
    public static Tensor Times(this Tensor a, double value) => With(value, a.mul);

    /// <summary>a *= value.</summary>
    public static Tensor TimesInPlace(this Tensor a, double value) => With(value, a.mul_);

    /// <summary>a / value.</summary>
    public static Tensor DividedBy(this Tensor a, double value) => With(value, s => a.div(s));

    /// <summary>max(a, value) elementwise.</summary>
    public static Tensor AtLeast(this Tensor a, double value) => With(value, a.clamp_min);

    /// <summary>Fills a with value.</summary>
    public static Tensor FillInPlace(this Tensor a, double value) => With(value, a.fill_);

    /// <summary>Writes value at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public static Tensor IndexFillInPlace(this Tensor a, long dim, Tensor index, double value) => With(value, s => a.index_fill_(dim, index, s));

    /// <summary>A tensor of <paramref name="size"/> elements, all <paramref name="value"/>.</summary>
    public static Tensor Full(long size, long value, ScalarType dtype, Device? device = null)
    {
        using Scalar s = value.ToScalar();
        return full([size], s, dtype: dtype, device: device);
    }

    /// <summary>Runs <paramref name="operation"/> with value as a Scalar that is disposed only after it returns.</summary>
    private static Tensor With(double value, Func<Scalar, Tensor> operation)
    {
        using Scalar s = value.ToScalar();
        return operation(s);
    }
}
