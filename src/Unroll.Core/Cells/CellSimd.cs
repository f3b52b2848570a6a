using System.Runtime.Intrinsics;

namespace Unroll.Core.Cells;

/// <summary>
/// The widest vectors the cell kernels use. A network takes <see cref="CellSimds.Best"/>; tests set a narrower one on
/// their own network (<see cref="RecurrentNetwork{T}.CellSimd"/>) to cover every path on any machine.
/// </summary>
internal enum CellSimd
{
    /// <summary>Scalar loops only.</summary>
    Scalar,

    /// <summary><see cref="System.Numerics.Vector{T}"/> (the runtime's width: 256 bits with AVX2, 128 on Arm64), then scalar for the rest.</summary>
    Vector,

    /// <summary>
    /// Vector512 (the float forward and tanh(c) with 16 lanes; every backward, float or double), then
    /// <see cref="System.Numerics.Vector{T}"/>, then scalar.
    /// </summary>
    Vector512,
}

/// <summary>The choice a network makes by default.</summary>
internal static class CellSimds
{
    /// <summary>Vector512 where it is accelerated, else <see cref="CellSimd.Vector"/>.</summary>
    public static CellSimd Best { get; } = Vector512.IsHardwareAccelerated ? CellSimd.Vector512 : CellSimd.Vector;
}
