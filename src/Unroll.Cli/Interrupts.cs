using System.Runtime.InteropServices;
using Unroll.Core.Io;

namespace Unroll.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the process's real console. While a command can stop cleanly (training), the first
/// signal asks it to stop after the current batch and save what is worth saving; the command then exits 130 (143 for
/// SIGTERM). A second signal, or one while nothing can stop cleanly, exits at once: files being written are
/// abandoned (their temporary files removed), so every file on disk is either as it was or complete.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CliContext _context;
    private readonly PosixSignalRegistration[] _registrations;
    private readonly CancellationTokenSource _stop = new();
    private int _cleanStops;
    private string _stopping = "stopping after this batch to save the best weights so far";
    private string _again = "stops at once without saving";
    private int _signals;                          // signals received so far; handlers may run on several threads at once
    private readonly Action<int> _exit;
    private readonly Func<int> _abandonWrites;

    /// <summary>Handles <paramref name="context"/>'s signals; tests pass their own <paramref name="exit"/> and
    /// <paramref name="abandonWrites"/>, and no registration, and call <see cref="Handle(PosixSignal)"/> themselves.</summary>
    internal Interrupts(CliContext context, Action<int> exit, Func<int> abandonWrites, bool register)
    {
        _context = context;
        _exit = exit;
        _abandonWrites = abandonWrites;
        _registrations = register
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]
            : [];
    }

    /// <summary>Handles signals for <paramref name="context"/> when it writes to the process's own console; null for captured streams (tests).</summary>
    public static Interrupts? For(CliContext context)
        => ReferenceEquals(context.Error, Console.Error) ? new Interrupts(context, Environment.Exit, AtomicFile.AbandonInFlight, register: true) : null;

    /// <summary>Cancelled by the first signal while <see cref="AllowCleanStop"/> is in effect.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Until disposed, the first signal cancels <see cref="Token"/> instead of exiting at once.</summary>
    /// <param name="stopping">What the first signal prints after its name (training: "stopping after this batch to save the best weights so far").</param>
    /// <param name="again">What a second signal would do (training: "stops at once without saving").</param>
    public IDisposable AllowCleanStop(string? stopping = null, string? again = null)
    {
        if (stopping is not null) _stopping = stopping;
        if (again is not null) _again = again;
        Interlocked.Increment(ref _cleanStops);
        return new Scope(() => Interlocked.Decrement(ref _cleanStops));
    }

    private void Handle(PosixSignalContext signal)
    {
        signal.Cancel = true;                      // the process decides when to end
        Handle(signal.Signal);
    }

    /// <summary>What a SIGINT or SIGTERM does: the first stops cleanly where that is allowed, any other exits at once.</summary>
    internal void Handle(PosixSignal signal)
    {
        string name = signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C";
        bool first = Interlocked.Increment(ref _signals) == 1;
        if (first && Volatile.Read(ref _cleanStops) > 0)
        {
            _context.Interruption = signal;
            _context.Error.WriteLine($"{name}: {_stopping}; {name} again {_again}");
            _stop.Cancel();
            return;
        }
        _abandonWrites();
        _context.Error.WriteLine(first
            ? $"error: stopped by {name}; any file being written was left as it was before"
            : $"error: stopped at once by a second {name}; nothing more was written (files saved before it are intact)");
        _context.Error.Flush();
        _exit((_context.Interruption ?? signal) == PosixSignal.SIGTERM ? UnrollCli.Terminated : UnrollCli.Interrupted);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }

    private sealed class Scope(Action end) : IDisposable
    {
        private Action? _end = end;
        public void Dispose() => Interlocked.Exchange(ref _end, null)?.Invoke();
    }
}
