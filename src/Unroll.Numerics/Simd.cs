// Glossary: the vector operations of the kernels at one width, as struct type arguments (TensorPrimitives'
// operator structs): a kernel written once against ISimd<T, TV> compiles apart for each width.
//   T    the element (float, double)
//   TV   the vector: Vector512<T> (Simd512), Vector256<T> (Simd256)
//   W    elements per vector (Count): Vector512 16 floats / 8 doubles, Vector256 8 floats / 4 doubles
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FmaX86 = System.Runtime.Intrinsics.X86.Fma;

namespace Unroll.Numerics;

/// <summary>The vector operations the unpacked loops need, at one width; a struct type argument, so each width compiles apart.</summary>
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

    /// <summary>x · y + addend, fused (one rounding) where the hardware has FMA.</summary>
    static abstract TV Fma(TV x, TV y, TV addend);

    /// <summary>x + y lane by lane.</summary>
    static abstract TV Add(TV x, TV y);

    /// <summary>The sum of the lanes, in the runtime's fixed order.</summary>
    static abstract T Sum(TV value);

    /// <summary>The vector as 256 bits: the sum of its 256-bit halves, or itself.</summary>
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
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fold256(Vector256<T> value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lane(Vector256<T> value, int index) => value.GetElement(index);
}
