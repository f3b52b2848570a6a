using Microsoft.AspNetCore.Routing;

namespace Unroll.Cli.Serve;

/// <summary>The API behind gates.html.</summary>
internal static class GatesApi
{
    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
