using System.Numerics;
using System.Runtime.CompilerServices;

namespace Unroll.Core.Cells;

/// <summary>Scalar activation functions shared by the cells, in the type's own precision.</summary>
internal static class Activations
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => T.One / (T.One + T.Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Relu<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        => x > T.Zero ? x : T.Zero;
}
