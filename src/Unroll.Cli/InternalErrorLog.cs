using System.Globalization;
using System.Reflection;

namespace Unroll.Cli;

/// <summary>Writes an internal error's full details to a log file in the temporary folder, so the terminal shows one line.</summary>
internal static class InternalErrorLog
{
    /// <summary>Writes the log and returns the sentence that points to it (or says why it could not be written).</summary>
    public static string Write(Exception error, string[] args, string activity)
    {
        // A new file with an unguessable name: never one that exists, nor a link someone planted in the shared folder.
        var path = Path.Combine(Path.GetTempPath(),
            $"unroll-error-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}.log");
        try
        {
            var version = typeof(InternalErrorLog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            using var file = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None));
            file.Write(string.Join('\n',
                $"Unroll {version} on .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
                $"time (UTC): {DateTime.UtcNow:O}",
                $"command: unroll {string.Join(' ', args)}",
                $"while: {activity}",
                "",
                error.ToString(),
                ""));
            return $"the details are in {path}; please report it with that file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "the details could not be written to the temporary folder; please report the command that failed";
        }
    }
}
