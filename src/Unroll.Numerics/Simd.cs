// Glossary: the vector operations of the kernels at one width, as struct type arguments (TensorPrimitives'
// operator structs): a kernel written once against ISimd<T, TV> compiles apart for each width, and the JIT drops
// the branches on T and on the hardware for each.
//   T    the element (float, double)
//   TV   the vector: Vector512<T> (Simd512), Vector256<T> (Simd256), Vector128<T> (Simd128), Vector<T> (SimdVector,
//        the runtime's own width: 256 bits with AVX2, 128 on Arm64), or T itself (SimdScalar, one lane)
//   W    elements per vector (Count): Vector512 16 floats / 8 doubles, Vector256 8 / 4, Vector128 4 / 2, scalar 1
// Users: the GEMM's unpacked loops and micro-kernels (Simd512, Simd256), PeakFlops (every width) and the cells' gate
// equations (Simd512, SimdVector, SimdScalar through Lanes and FastMath).
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using FmaX86 = System.Runtime.Intrinsics.X86.Fma;

namespace Unroll.Numerics;

/// <summary>The vector operations of the kernels, at one width; a struct type argument, so each width compiles apart.</summary>
internal interface ISimd<T, TV> where T : unmanaged, IFloatingPointIeee754<T> where TV : struct
{
    /// <summary>Elements per vector (W).</summary>
    static abstract int Count { get; }

    /// <summary>W elements from <paramref name="source"/> on, any alignment.</summary>
    static abstract TV Load(ref T source);

    /// <summary>Writes W elements from <paramref name="destination"/> on.</summary>
    static abstract void Store(TV value, ref T destination);

    /// <summary>A vector of <paramref name="value"/> in every lane.</summary>
    static abstract TV Broadcast(T value);

    /// <summary>x · y + addend: fused (one rounding) where the hardware has FMA for this width; the scalar width
    /// never fuses, as the scalar GEMM kernel.</summary>
    static abstract TV Fma(TV x, TV y, TV addend);

    /// <summary>x + y lane by lane.</summary>
    static abstract TV Add(TV x, TV y);

    /// <summary>x − y lane by lane.</summary>
    static abstract TV Subtract(TV x, TV y);

    /// <summary>x · y lane by lane.</summary>
    static abstract TV Multiply(TV x, TV y);

    /// <summary>x / y lane by lane.</summary>
    static abstract TV Divide(TV x, TV y);

    /// <summary>−x lane by lane (the sign flipped, so −0 from 0).</summary>
    static abstract TV Negate(TV x);

    /// <summary>√x lane by lane, correctly rounded.</summary>
    static abstract TV Sqrt(TV x);

    /// <summary>
    /// e^x lane by lane: for 16 float lanes <see cref="FastMath.Exp(Vector512{float})"/>'s polynomial, otherwise the
    /// runtime's Exp of the width (the scalar width: <c>T.Exp</c>).
    /// </summary>
    static abstract TV Exp(TV x);

    /// <summary><paramref name="value"/> where <paramref name="test"/> &gt; 0, else 0, lane by lane (NaN tests give 0).</summary>
    static abstract TV WherePositive(TV test, TV value);

    /// <summary>The sum of the lanes, in the runtime's fixed order.</summary>
    static abstract T Sum(TV value);

    /// <summary>The vector as 256 bits: the sum of its 256-bit halves, itself, or its lanes followed by zeros.</summary>
    static abstract Vector256<T> Fold256(TV value);

    /// <summary>Lane <paramref name="index"/>.</summary>
    static abstract T Lane(TV value, int index);
}

/// <summary>512-bit vectors (AVX-512 implies FMA).</summary>
internal readonly struct Simd512<T> : ISimd<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
        return x * y + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> x, Vector512<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> x, Vector512<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> x, Vector512<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> x, Vector512<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> x) => Vector512.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
            return FastMath.Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException($"no vector Exp for {typeof(T).Name}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> WherePositive(Vector512<T> test, Vector512<T> value) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(test, Vector512<T>.Zero), value, Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(Vector512<T> value) => value.GetLower() + value.GetUpper();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Vector512<T> value, int index) => value.GetElement(index);
}

/// <summary>256-bit vectors, with fused multiply-add where the CPU has FMA (emulating it would be slow).</summary>
internal readonly struct Simd256<T> : ISimd<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float) && FmaX86.IsSupported)
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double) && FmaX86.IsSupported)
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
        return x * y + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> x, Vector256<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> x, Vector256<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> x, Vector256<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Negate(Vector256<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> x) => Vector256.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector256.Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException($"no vector Exp for {typeof(T).Name}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> WherePositive(Vector256<T> test, Vector256<T> value) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(test, Vector256<T>.Zero), value, Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(Vector256<T> value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Vector256<T> value, int index) => value.GetElement(index);
}

/// <summary>128-bit vectors (SSE, Arm64's AdvSimd), with fused multiply-add where the CPU has it.</summary>
internal readonly struct Simd128<T> : ISimd<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fma(Vector128<T> x, Vector128<T> y, Vector128<T> addend)
    {
        bool fused = FmaX86.IsSupported || AdvSimd.Arm64.IsSupported;
        if (typeof(T) == typeof(float) && fused)
            return Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), addend.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double) && fused)
            return Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), addend.AsDouble()).As<double, T>();
        return x * y + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> x, Vector128<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> x, Vector128<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> x, Vector128<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> x, Vector128<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Negate(Vector128<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt(Vector128<T> x) => Vector128.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector128.Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector128.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException($"no vector Exp for {typeof(T).Name}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> WherePositive(Vector128<T> test, Vector128<T> value) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(test, Vector128<T>.Zero), value, Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(Vector128<T> value) => Vector256.Create(value, Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Vector128<T> value, int index) => value.GetElement(index);
}

/// <summary>
/// <see cref="Vector{T}"/>, the runtime's own width (256 bits with AVX2, 128 on Arm64 or without AVX2), with fused
/// multiply-add where the CPU has it.
/// </summary>
internal readonly struct SimdVector<T> : ISimd<T, Vector<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load(ref T source) => Vector.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Broadcast(T value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma(Vector<T> x, Vector<T> y, Vector<T> addend)
    {
        bool fused = FmaX86.IsSupported || AdvSimd.Arm64.IsSupported;
        if (typeof(T) == typeof(float) && fused)
            return Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), addend.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double) && fused)
            return Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), addend.As<T, double>()).As<double, T>();
        return x * y + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Add(Vector<T> x, Vector<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Subtract(Vector<T> x, Vector<T> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Multiply(Vector<T> x, Vector<T> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Divide(Vector<T> x, Vector<T> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Negate(Vector<T> x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sqrt(Vector<T> x) => Vector.SquareRoot(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp(Vector<T> x)
    {
        if (typeof(T) == typeof(float))
            return Vector.Exp(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Exp(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException($"no vector Exp for {typeof(T).Name}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> WherePositive(Vector<T> test, Vector<T> value) =>
        Vector.ConditionalSelect(Vector.GreaterThan(test, Vector<T>.Zero), value, Vector<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector<T> value) => Vector.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(Vector<T> value)
    {
        if (Vector<byte>.Count == 32) return value.AsVector256();
        if (Vector<byte>.Count == 64) return Simd512<T>.Fold256(value.AsVector512());
        return Simd128<T>.Fold256(value.AsVector128());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Vector<T> value, int index) => value[index];
}

/// <summary>One lane: plain scalar arithmetic, any floating type; multiply and add are never fused.</summary>
internal readonly struct SimdScalar<T> : ISimd<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Fma(T x, T y, T addend) => x * y + addend;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T x, T y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T x, T y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T x, T y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T x, T y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T x) => -x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt(T x) => T.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T x) => T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T WherePositive(T test, T value) => test > T.Zero ? value : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(T value) => Vector256.CreateScalar(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(T value, int index) => value;
}

/// <summary>
/// W lanes of T at one width with arithmetic operators, so that a kernel's equations read as written
/// (<c>dc ⊙ g ⊙ i ⊙ (1 − i)</c> as <c>dc * g * i * (one - i)</c>) and compile, through <typeparamref name="TOps"/>, to the
/// same instructions as hand-written vector code: one operation per operator, in the order written, never fused.
/// </summary>
internal readonly struct Lanes<T, TV, TOps>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TV : struct
    where TOps : struct, ISimd<T, TV>
{
    /// <summary>The vector.</summary>
    public readonly TV Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes(TV value) => Value = value;

    /// <summary>Elements per vector (W).</summary>
    public static int Count => TOps.Count;

    /// <summary>Where whole vectors from <paramref name="from"/> stop within <paramref name="length"/>: from + ⌊(length − from) / W⌋ · W.</summary>
    public static int WholeVectorsEnd(int length, int from) => from + (length - from) / TOps.Count * TOps.Count;

    /// <summary>1 in every lane.</summary>
    public static Lanes<T, TV, TOps> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(TOps.Broadcast(T.One));
    }

    /// <summary><paramref name="value"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Broadcast(T value) => new(TOps.Broadcast(value));

    /// <summary>Elements <paramref name="index"/> .. <paramref name="index"/> + W of <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Load(ReadOnlySpan<T> source, int index)
    {
        Debug.Assert((uint)index <= (uint)source.Length && source.Length - index >= TOps.Count);
        return new(TOps.Load(ref Unsafe.Add(ref MemoryMarshal.GetReference(source), index)));
    }

    /// <summary>Writes the lanes to <paramref name="destination"/>[<paramref name="index"/> .. + W].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<T> destination, int index)
    {
        Debug.Assert((uint)index <= (uint)destination.Length && destination.Length - index >= TOps.Count);
        TOps.Store(Value, ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), index));
    }

    /// <summary>e^x lane by lane (see <see cref="ISimd{T, TV}.Exp"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Exp(Lanes<T, TV, TOps> x) => new(TOps.Exp(x.Value));

    /// <summary>√x lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> Sqrt(Lanes<T, TV, TOps> x) => new(TOps.Sqrt(x.Value));

    /// <summary><paramref name="value"/> where <paramref name="test"/> &gt; 0, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> WherePositive(Lanes<T, TV, TOps> test, Lanes<T, TV, TOps> value) => new(TOps.WherePositive(test.Value, value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> operator +(Lanes<T, TV, TOps> x, Lanes<T, TV, TOps> y) => new(TOps.Add(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> operator -(Lanes<T, TV, TOps> x, Lanes<T, TV, TOps> y) => new(TOps.Subtract(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> operator *(Lanes<T, TV, TOps> x, Lanes<T, TV, TOps> y) => new(TOps.Multiply(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> operator /(Lanes<T, TV, TOps> x, Lanes<T, TV, TOps> y) => new(TOps.Divide(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes<T, TV, TOps> operator -(Lanes<T, TV, TOps> x) => new(TOps.Negate(x.Value));
}
