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

    private Interrupts(CliContext context)
    {
        _context = context;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Handles signals for <paramref name="context"/> when it writes to the process's own console; null for captured streams (tests).</summary>
    public static Interrupts? For(CliContext context)
        => ReferenceEquals(context.Error, Console.Error) ? new Interrupts(context) : null;

    /// <summary>Cancelled by the first signal while <see cref="AllowCleanStop"/> is in effect.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Until disposed, the first signal cancels <see cref="Token"/> instead of exiting at once.</summary>
    public IDisposable AllowCleanStop()
    {
        Interlocked.Increment(ref _cleanStops);
        return new Scope(() => Interlocked.Decrement(ref _cleanStops));
    }

    private void Handle(PosixSignalContext signal)
    {
        signal.Cancel = true;                      // the process decides when to end
        string name = signal.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C";
        if (Volatile.Read(ref _cleanStops) > 0 && _context.Interruption is null)
        {
            _context.Interruption = signal.Signal;
            _context.Error.WriteLine($"{name}: stopping after this batch to save the best weights so far; {name} again stops at once without saving");
            _stop.Cancel();
            return;
        }
        AtomicFile.AbandonInFlight();
        _context.Error.WriteLine(_context.Interruption is null
            ? $"error: stopped by {name} before anything was saved"
            : $"error: stopped at once by a second {name}; nothing more was written (files saved before it are intact)");
        _context.Error.Flush();
        Environment.Exit((_context.Interruption ?? signal.Signal) == PosixSignal.SIGTERM ? UnrollCli.Terminated : UnrollCli.Interrupted);
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
