using Microsoft.AspNetCore.Routing;

namespace Unroll.Cli.Serve;

/// <summary>The API behind forecast.html.</summary>
internal static class ForecastApi
{
    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
