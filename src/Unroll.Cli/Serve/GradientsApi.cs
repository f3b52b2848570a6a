using Microsoft.AspNetCore.Routing;

namespace Unroll.Cli.Serve;

/// <summary>The API behind gradients.html.</summary>
internal static class GradientsApi
{
    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
