namespace Unroll.Charts;

/// <summary>How a chart line is stroked.</summary>
public enum LineDash
{
    /// <summary>A continuous line.</summary>
    Solid,
    /// <summary>Long dashes.</summary>
    Dashed,
    /// <summary>Short dashes.</summary>
    ShortDashed,
    /// <summary>Dash, dot, dash.</summary>
    DashDot,
}

/// <summary>The SVG form of <see cref="LineDash"/>.</summary>
public static class LineDashes
{
    /// <summary>The stroke-dasharray of a dash style, or null for a solid line.</summary>
    public static string? DashArray(this LineDash dash) => dash switch
    {
        LineDash.Dashed => "7 4",
        LineDash.ShortDashed => "2.5 3",
        LineDash.DashDot => "8 3 2 3",
        _ => null,
    };
}
