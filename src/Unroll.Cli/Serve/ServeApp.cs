using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Unroll.Cli.Serve;

/// <summary>Where <c>unroll serve</c> listens and how much it accepts.</summary>
/// <param name="Host">The address to bind: 127.0.0.1 unless the user says otherwise.</param>
/// <param name="Port">The port; 0 picks a free one (tests).</param>
/// <param name="UploadLimitBytes">The largest request body accepted (uploads): 20 MB.</param>
internal sealed record ServeOptions(string Host = ServeOptions.Loopback, int Port = 5000, long UploadLimitBytes = ServeOptions.DefaultUploadLimit)
{
    /// <summary>Where the server says what a person at its terminal should know (a request that hit a bug); null for silence.</summary>
    public Action<string>? Log { get; init; }

    public const string Loopback = "127.0.0.1";
    public const long DefaultUploadLimit = 20L * 1024 * 1024;

    /// <summary>Whether only this machine can connect: 127.0.0.1, ::1 or localhost.</summary>
    public bool LoopbackOnly => Host is Loopback or "::1" or "localhost";
}

/// <summary>
/// The local web server behind <c>unroll serve</c>: embedded pages (HTML, CSS, plain JavaScript; nothing fetched from
/// the internet) and a small JSON API under <c>/api/</c> that runs the real engine. Safe by default: loopback only,
/// requests from other host names refused (DNS rebinding), bodies size-limited and held in memory, no path from the
/// browser ever opened, every error one line of JSON with a 4xx (bad input) or 500 (a bug), and the server keeps serving.
/// </summary>
internal static class ServeApp
{
    /// <summary>JSON as the API writes it: snake_case names, and ±∞ and NaN (an exploding gradient) as the strings
    /// "Infinity", "-Infinity" and "NaN", which JavaScript's Number() reads back.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Builds the server, not yet started.</summary>
    public static WebApplication Build(ServeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "unroll", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.UploadLimitBytes + 64 * 1024;   // room for the multipart framing
            kestrel.AddServerHeader = false;
            if (options.Host == "localhost" && options.Port != 0) kestrel.ListenLocalhost(options.Port);   // both 127.0.0.1 and ::1
            else if (options.Host == "localhost") kestrel.Listen(IPAddress.Loopback, 0);                 // Kestrel picks no free port for both
            else kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            json.SerializerOptions.NumberHandling = Json.NumberHandling;
            json.SerializerOptions.DefaultIgnoreCondition = Json.DefaultIgnoreCondition;
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.UploadLimitBytes + 64 * 1024);
        // A body that does not bind (malformed JSON, a missing field) throws, so Guard answers it with one JSON line.
        builder.Services.Configure<RouteHandlerOptions>(route => route.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Sessions>();

        var app = builder.Build();
        app.Use(Guard);
        Map(app);
        return app;
    }

    /// <summary>Builds and starts the server; returns it with the address it listens on (the port chosen when 0 was asked).</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(ServeOptions options, CancellationToken cancel = default)
    {
        var app = Build(options);
        await app.StartAsync(cancel).ConfigureAwait(false);
        var server = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        var bound = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = options.Host == "::1" ? "[::1]" : options.Host is "0.0.0.0" or "::" ? ServeOptions.Loopback : options.Host;
        return (app, new Uri($"http://{host}:{port}/"));
    }

    private static void Map(WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/version", () => Results.Json(new { version = Version() }, Json));
        ExampleApi.Map(api);
        GradientsApi.Map(api);
        GatesApi.Map(api);
        ForecastApi.Map(api);
        Pages.Map(app);
    }

    /// <summary>The tool's version, as `unroll --version` prints it.</summary>
    public static string Version()
        => typeof(ServeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    // Runs around every request: refuses foreign Host headers, sets the headers that keep pages local, and turns any
    // exception into one line of JSON so the server keeps serving.
    private static async Task Guard(HttpContext http, RequestDelegate next)
    {
        var options = http.RequestServices.GetRequiredService<ServeOptions>();
        if (options.LoopbackOnly && !IsLoopbackHost(http.Request.Host.Host))
        {
            await ApiError.Write(http, StatusCodes.Status421MisdirectedRequest,
                $"this server answers requests for localhost only, not for '{http.Request.Host.Host}': open http://127.0.0.1:{http.Connection.LocalPort}/").ConfigureAwait(false);
            return;
        }
        if (CrossSite(http) is { } origin)
        {
            await ApiError.Write(http, StatusCodes.Status403Forbidden,
                $"requests from another site ({origin}) are refused: open the pages at http://{http.Request.Host}/ and use them there").ConfigureAwait(false);
            return;
        }
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        Sessions.Ensure(http);
        try
        {
            await next(http).ConfigureAwait(false);
            // Statuses the framework sets without a body (405, 415, …) get the one JSON line every API error has.
            if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Request.Path.StartsWithSegments("/api"))
                await ApiError.Write(http, http.Response.StatusCode, Bodiless(http)).ConfigureAwait(false);
            else if (!http.Response.HasStarted && http.Response.StatusCode == StatusCodes.Status404NotFound)
                await Pages.NotFound(http.Request.Path).ExecuteAsync(http).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var (status, message) = ApiError.Describe(e, http.Request.Path);
            if (status >= 500) options.Log?.Invoke($"error: {http.Request.Method} {http.Request.Path}: {message}");
            http.Response.Clear();
            await ApiError.Write(http, status, message).ConfigureAwait(false);
        }
    }

    // A request that changes something (anything but GET and HEAD) sent by a page of another site: browsers name the
    // sending page in Origin (and Sec-Fetch-Site) on such requests, and a form or fetch from any website could otherwise
    // start trainings here without the user knowing. Scripts (curl) send neither and are served.
    private static string? CrossSite(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) return null;
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            // Origin and Host both write the authority the page was loaded from ("127.0.0.1:5000", "[::1]:5000", no ":80").
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)) return origin;           // "null": a sandboxed frame or a file
            if (!string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)) return origin;
        }
        return site is "cross-site" or "same-site" ? (origin.Length > 0 ? origin : site) : null;
    }

    private static string Bodiless(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"no API endpoint {http.Request.Method} {http.Request.Path}: see the pages at / for what there is",
        StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not how {http.Request.Path} is called: see the page that uses it (GET reads, POST acts)",
        StatusCodes.Status415UnsupportedMediaType => $"{http.Request.Path} takes JSON: send the body with Content-Type: application/json",
        int status => $"{http.Request.Method} {http.Request.Path} failed with status {status}",
    };

    private static bool IsLoopbackHost(string host)
        => host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}

/// <summary>An API request the server cannot do: a status (4xx) and one line for the user, sent as {"error": "..."}.</summary>
internal sealed class ApiError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>400 Bad Request with <paramref name="message"/>.</summary>
    public static ApiError BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>The response for an error: {"error": message} with <paramref name="status"/>.</summary>
    public static IResult Result(int status, string message) => Results.Json(new { error = message }, ServeApp.Json, statusCode: status);

    /// <summary>The status and line for an exception: the CLI's user errors are 400 with the CLI's line; a body over
    /// the limit is 413; anything else is a bug, 500 with a one-line note (the stack trace goes to the internal-error log).</summary>
    public static (int Status, string Message) Describe(Exception e, PathString path = default)
    {
        if (e is ApiError api) return (api.Status, api.Message);
        if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e is InvalidDataException && e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            return (StatusCodes.Status413PayloadTooLarge, $"the upload is larger than the server accepts ({ServeOptions.DefaultUploadLimit / (1024 * 1024)} MB): {TooLargeFix(path)}");
        if (e is InvalidDataException form)
            return (StatusCodes.Status400BadRequest, $"the upload is not a well-formed multipart form ({form.Message.TrimEnd('.')}): send the file as multipart/form-data, as the page does");
        if (e is BadHttpRequestException { InnerException: JsonException inner }) e = inner;
        else if (e is BadHttpRequestException bad) return (bad.StatusCode, $"bad request: {bad.Message.TrimEnd('.')}");
        if (e is JsonException json) return (StatusCodes.Status400BadRequest, JsonMessage(json));
        if (UnrollCli.UserMessage(e) is { } user) return (StatusCodes.Status400BadRequest, user);
        return (StatusCodes.Status500InternalServerError,
            $"internal error: this is a bug in Unroll, not a problem with your input; {InternalErrorLog.Write(e, ["serve"], "serving a request")}");
    }

    private static string TooLargeFix(PathString path)
        => path.StartsWithSegments("/api/forecast") ? "upload a smaller file, or train from the command line with 'unroll train --data FILE', which reads files of any size"
            : path.StartsWithSegments("/api/gates") ? "look inside a model this large from the command line with 'unroll explain --model FILE'"
            : "send less";

    /// <summary>A JSON parsing error in words for the user: the field and what is wrong, without the parser's positions or .NET type names.</summary>
    public static string JsonMessage(JsonException e)
    {
        string field = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
        if (e.Message.Contains("could not be converted to", StringComparison.Ordinal))
            return field.Length > 0
                ? $"the request body's field '{field}' has the wrong type: give a number where a number is asked for, text in quotes where text is"
                : "the request body is not the JSON object this endpoint takes, such as {\"steps\": 30}";
        return $"the request body is not valid JSON{(field.Length > 0 ? $" at '{field}'" : "")}: {ParserText(e)}";
    }

    /// <summary>The parser's own sentence without its positions ("Path: $.w2 | LineNumber: 0 | BytePositionInLine: 9").</summary>
    public static string ParserText(JsonException e) => e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].Trim().TrimEnd('.', '|').Trim();

    /// <summary>Writes {"error": message} with <paramref name="status"/>.</summary>
    public static Task Write(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error = message }, ServeApp.Json);
    }
}

/// <summary>
/// Browser sessions: a random id in an HttpOnly, SameSite=Strict cookie, so one browser runs one training at a time
/// (a second start cancels nothing and is refused; the page's cancel button stops the first).
/// </summary>
internal sealed class Sessions
{
    public const string Cookie = "unroll-session";

    /// <summary>Gives the request a session id (from its cookie, or a new one set on the response).</summary>
    public static void Ensure(HttpContext http)
    {
        if (http.Request.Cookies.TryGetValue(Cookie, out var id) && id.Length == 32 && id.All(char.IsAsciiHexDigitLower))
        {
            http.Items[Cookie] = id;
            return;
        }
        id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        http.Items[Cookie] = id;
        http.Response.Cookies.Append(Cookie, id, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
    }

    /// <summary>The request's session id.</summary>
    public static string Of(HttpContext http) => (string)http.Items[Cookie]!;
}

/// <summary>The pages, embedded in the assembly under <c>pages/</c>: served by name with their content type.</summary>
internal static class Pages
{
    private static readonly Assembly Assembly = typeof(Pages).Assembly;
    private const string Prefix = "pages/";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    };

    /// <summary>The names of the embedded files (e.g. "example.html").</summary>
    public static IEnumerable<string> Names => Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]);

    public static void Map(WebApplication app)
    {
        string[] read = [HttpMethods.Get, HttpMethods.Head];
        app.MapMethods("/", read, () => Page("index.html"));
        app.MapMethods("/favicon.ico", read, () => Results.NoContent());      // no icon; say so without an error in the console
        app.MapMethods("/{name}", read, (string name) => Page(name.Contains('.') ? name : name + ".html"));

    }

    private static IResult Page(string name)
    {
        var stream = Assembly.GetManifestResourceStream(Prefix + name);
        if (stream is null || !Types.TryGetValue(Path.GetExtension(name), out var type)) return NotFound("/" + name);
        return Results.Stream(stream, type);
    }

    /// <summary>The plain-text 404 for a path that is no page, naming the pages there are.</summary>
    public static IResult NotFound(string path)
        => Results.Text($"No page '{path}' here. The pages are: {string.Join(", ", Names.Where(n => n.EndsWith(".html", StringComparison.Ordinal)).Select(n => "/" + n[..^5]))}.",
            "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
}
