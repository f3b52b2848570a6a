using System.Net;

namespace Unroll.Cli.Tests.Serve;

[Collection(ServeCollection.Name)]
public sealed class ServeBasicsTests(ServeServer server)
{
    [Theory]
    [InlineData("/", "Recurrent networks you can touch")]
    [InlineData("/style.css", "--accent")]
    [InlineData("/common.js", "function lineChart")]
    public async Task Pages_AreServedFromTheAssembly(string path, string contains)
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contains, await response.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Pages_LinkNothingOutsideTheServer()
    {
        using var client = server.NewClient();
        foreach (var name in Unroll.Cli.Serve.Pages.Names)
        {
            var text = await client.GetStringAsync("/" + name);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", text);
            Assert.DoesNotContain("fetch(\"http", text);
        }
    }

    [Fact]
    public async Task UnknownPage_Is404_AndNamesThePages()
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/example", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PathsOutsideThePages_AreNeverOpened()
    {
        using var client = server.NewClient();
        foreach (var path in new[] { "/..%2F..%2Fetc%2Fpasswd", "/%2Fetc%2Fpasswd", "/unroll.dll", "/..%5Cunroll.dll" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task UnknownApi_Is404Json()
        => ServeServer.AssertError(HttpStatusCode.NotFound, "no API endpoint", await ServeServer.GetAsync(server.NewClient(), "/api/nothing-here"));

    [Fact]
    public async Task ForeignHostHeader_IsRefused_AsDnsRebindingProtection()
    {
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("localhost only", await response.Content.ReadAsStringAsync());
        using var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Session_IsAnHttpOnlyStrictCookie()
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync("/");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("unroll-session=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Version_IsTheToolsVersion()
    {
        var (status, json) = await ServeServer.GetAsync(server.NewClient(), "/api/version");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0.1.0", json.GetProperty("version").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405_AsOneJsonLine()
    {
        using var client = server.NewClient();
        using var response = await client.PostAsync("/api/version", new StringContent("{}"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("is not how /api/version is called", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task RequestsThatAct_FromAnotherSite_AreRefused(string header, string value)
    {
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gradients") { Content = new StringContent("{\"mode\": \"example\", \"w2\": 2, \"steps\": 3}", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("requests from another site", System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RequestsThatAct_FromThePagesOwnOrigin_AreServed()
    {
        using var client = server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gradients") { Content = new StringContent("{\"mode\": \"example\", \"w2\": 2, \"steps\": 3}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Origin", server.Address.GetLeftPart(UriPartial.Authority));
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MalformedMultipart_Is400_NotABug()
    {
        using var client = server.NewClient();
        var content = new ByteArrayContent("--xyz\r\nbroken"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
        using var response = await client.PostAsync("/api/gates/upload", content);
        var message = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a well-formed multipart form", message);
    }

    [Fact]
    public async Task JsonOfTheWrongType_NamesTheField_WithoutParserInternals()
    {
        var reply = await ServeServer.PostAsync(server.NewClient(), "/api/gradients", new { mode = "example", w2 = "two", steps = 3 });
        ServeServer.AssertError(HttpStatusCode.BadRequest, "field 'w2' has the wrong type", reply);
        var message = reply.Json.GetProperty("error").GetString()!;
        Assert.DoesNotContain("LineNumber", message);
        Assert.DoesNotContain("Unroll.Cli", message);
    }

    [Fact]
    public async Task Head_And_Favicon_AreAnswered_WithoutErrors()
    {
        using var client = server.NewClient();
        using (var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/")))
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var icon = await client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.NoContent, icon.StatusCode);
    }

    [Fact]
    public async Task UnknownDeepPath_Is404_WithTheListOfPages()
    {
        using var client = server.NewClient();
        using var response = await client.GetAsync("/a/b/c");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/example", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Localhost_WithPortZero_Starts()
    {
        var (app, address) = await Unroll.Cli.Serve.ServeApp.StartAsync(new Unroll.Cli.Serve.ServeOptions("localhost", 0));
        await using (app)
        {
            using var client = new HttpClient { BaseAddress = address };
            Assert.Contains("Recurrent networks you can touch", await client.GetStringAsync("/"));
            await app.StopAsync();
        }
    }
}
