using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Unroll.Cli.Serve;

/// <summary>
/// `unroll serve`: the unrolled network in the browser. Starts the local server (<see cref="ServeApp"/>), prints its
/// address, optionally opens it, and serves until Ctrl-C.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var port = Options.Count("--port", "Port to listen on; 0 picks a free one", 5000, min: 0, max: 65535);
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on. The default, 127.0.0.1, lets only this machine connect; 0.0.0.0 lets anyone who can reach it",
            DefaultValueFactory = _ => ServeOptions.Loopback,
        };
        var open = new Option<bool>("--open") { Description = "Open the pages in the default browser" };
        var command = new Command("serve", "Serve the worked example, vanishing gradients, LSTM and GRU gates and forecasting as pages in your browser, computed by the real engine")
            { port, host, open, Options.Threads() };
        command.SetAction(parse =>
        {
            string address = parse.GetValue(host)!.Trim();
            if (address != "localhost" && !IPAddress.TryParse(address.Trim('[', ']'), out _))
                throw new UserError($"--host {address} is not an IP address: use 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every network interface)");
            var options = new ServeOptions(address.Trim('[', ']'), parse.GetValue(port)) { Log = line => { lock (context.Error) context.Error.WriteLine(line); } };

            context.Activity = "starting the server";
            Microsoft.AspNetCore.Builder.WebApplication app;
            Uri url;
            try
            {
                (app, url) = ServeApp.StartAsync(options).GetAwaiter().GetResult();
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserError($"port {options.Port} on {options.Host} is already in use (another 'unroll serve'?): choose another with --port, e.g. --port {options.Port + 1}");
            }
            catch (Exception e) when (e is SocketException or IOException && e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserError($"cannot listen on {options.Host} port {options.Port}: {e.Message}; choose another --host or --port");
            }

            using (app as IDisposable)
            {
                context.Activity = "serving";
                if (!options.LoopbackOnly)
                    context.Error.WriteLine($"warning: listening on {options.Host}: anyone who can reach this machine on port {url.Port} can use these pages and upload files to them");
                context.Out.WriteLine($"Serving on {url} (Ctrl-C stops).");
                context.Out.WriteLine($"  {url}example    the worked example: move a weight, watch every number");
                context.Out.WriteLine($"  {url}gradients  vanishing and exploding gradients, cell by cell");
                context.Out.WriteLine($"  {url}gates      inside LSTM and GRU: every gate at every step");
                context.Out.WriteLine($"  {url}forecast   train a forecaster on a CSV and compare it with the baselines");
                context.Out.Flush();
                if (parse.GetValue(open)) OpenBrowser(url, context);

                using var stop = context.Interrupts?.AllowCleanStop("stopping the server", "stops it at once");
                var token = context.Interrupts?.Token ?? CancellationToken.None;
                try
                {
                    Task.Delay(Timeout.Infinite, token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                }
                app.StopAsync().GetAwaiter().GetResult();
                context.Out.WriteLine("Stopped.");
            }
            return UnrollCli.Ok;
        });
        return command;
    }

    private static void OpenBrowser(Uri url, CliContext context)
    {
        string opener = OperatingSystem.IsWindows() ? "explorer" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, url.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
            // xdg-open without a display exits non-zero at once; a browser that opened leaves it running or exits 0.
            // (explorer exits 1 even when it opened the page.)
            if (process is not null && process.WaitForExit(3000) && process.ExitCode != 0 && !OperatingSystem.IsWindows())
                context.Error.WriteLine($"note: could not open a browser ({opener} exited with {process.ExitCode}: {process.StandardError.ReadToEnd().Trim().Split('\n')[0]}); open {url} yourself");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            context.Error.WriteLine($"note: could not open a browser ({opener}: {e.Message}); open {url} yourself");
        }
    }
}
