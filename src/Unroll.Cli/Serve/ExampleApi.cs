using Microsoft.AspNetCore.Routing;

namespace Unroll.Cli.Serve;

/// <summary>The API behind example.html.</summary>
internal static class ExampleApi
{
    /// <summary>Maps this page's endpoints under /api.</summary>
    public static void Map(IEndpointRouteBuilder api)
    {
    }
}
