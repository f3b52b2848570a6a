using Unroll.Data;
using Unroll.Forecasting;

namespace Unroll.Cli.Serve;

/// <summary>Where a forecasting page's training stands.</summary>
internal enum JobState
{
    Running,
    Done,
    Cancelled,
    Failed,
}

/// <summary>One server-sent event of a training: its number in the run (from 1), its kind ("started", "epoch",
/// "done", "cancelled", "failed") and its data, written as JSON.</summary>
internal sealed record JobEvent(int Id, string Kind, object Data);

/// <summary>
/// One training run of the forecasting page, in the background: the same backtest training as
/// <c>unroll backtest</c> (<see cref="Backtester.Train"/>, then <see cref="Backtester.Score(FitResult, SeriesSet, ForecastSettings, BacktestOptions?)"/>
/// unless cancelled), its events for the live loss chart (kept for the run, so a reconnecting EventSource misses none), and its outcome.
/// </summary>
internal sealed class ForecastJob(string dataset, SeriesSet data, ForecastSettings settings)
{
    private readonly Lock _gate = new();
    private readonly List<JobEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[]? _model;

    /// <summary>A random id: the events' ids carry it, so a reconnect to a newer run starts from its beginning.</summary>
    public string Id { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The data's name: a bundled file's, or the upload's file name.</summary>
    public string Dataset { get; } = dataset;

    public SeriesSet Data { get; } = data;

    public ForecastSettings Settings { get; } = settings;

    /// <summary>The cancel button (and the server stopping) cancel this.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    public JobState State { get; private set; } = JobState.Running;

    /// <summary>The backtest, when the run is done.</summary>
    public BacktestResult? Result { get; private set; }

    /// <summary>The one line that ended the run (done, cancelled or failed).</summary>
    public string Message { get; private set; } = "";

    /// <summary>Warnings about a finished run, worded as the command line words them.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>Why the trained model may not be downloaded (it learned nothing, as <c>unroll train</c> would not save
    /// it); null when it may.</summary>
    public string? ModelRefused { get; private set; }

    public bool Running => State == JobState.Running;

    /// <summary>Whether training ended and the walk-forward evaluation began (a cancelled run never gets there).</summary>
    public bool Evaluating { get; set; }

    /// <summary>Adds an event and wakes the streams waiting for one.</summary>
    public void Add(string kind, object eventData)
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _events.Add(new JobEvent(_events.Count + 1, kind, eventData));
            woken = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }

    /// <summary>The events after number <paramref name="after"/>, whether the run has ended, and a task that completes
    /// when the next event comes.</summary>
    public (IReadOnlyList<JobEvent> Events, bool Ended, Task Next) Since(int after)
    {
        lock (_gate)
            return (_events.Skip(Math.Max(0, after)).ToList(), State != JobState.Running, _changed.Task);
    }

    /// <summary>The number of the last event.</summary>
    public int LastEventId
    {
        get { lock (_gate) return _events.Count; }
    }

    /// <summary>Ends the run: its state and line, then its last event (done, cancelled or failed).</summary>
    public void Finish(JobState state, string message, BacktestResult? result = null, IReadOnlyList<string>? warnings = null, string? modelRefused = null)
    {
        lock (_gate)
        {
            Result = result;
            Message = message;
            Warnings = warnings ?? [];
            ModelRefused = modelRefused;
            State = state;
        }
        string kind = state switch { JobState.Done => "done", JobState.Cancelled => "cancelled", _ => "failed" };
        Add(kind, state == JobState.Failed ? new { error = message } : new { message });
    }

    /// <summary>The trained model as a safetensors file (<see cref="ModelBundle.Save"/>), written once in a private
    /// temporary folder that is deleted at once, and kept in memory for further downloads.</summary>
    public byte[] ModelFile()
    {
        lock (_gate)
        {
            if (_model is not null) return _model;
            var forecaster = Result?.Fit?.Forecaster ?? throw new InvalidOperationException("no trained model yet");
            var folder = Directory.CreateTempSubdirectory("unroll-serve-");   // 0700 on Unix: this user only
            try
            {
                string path = Path.Combine(folder.FullName, "model.safetensors");
                ModelBundle.Save(forecaster, path);
                return _model = File.ReadAllBytes(path);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }
}

/// <summary>An uploaded CSV, read in memory: the series and what the page shows of them.</summary>
internal sealed record Upload(string Id, SeriesSet Data, DatasetInfo Info);

/// <summary>A data set as the page lists it.</summary>
/// <param name="Name">The bundled file's name, or the upload's file name.</param>
/// <param name="Upload">The upload's id (to train on it); null for a bundled file.</param>
/// <param name="Column">The column forecast.</param>
/// <param name="Rows">The values read, over all series.</param>
/// <param name="Series">Each series: name, length, first and last date, frequency.</param>
/// <param name="Notes">What reading did (dropped rows, filled values, resampling), as the command line notes it.</param>
internal sealed record DatasetInfo(string Name, string? Upload, string Column, int Rows, IReadOnlyList<SeriesInfo> Series, IReadOnlyList<string> Notes)
{
    public static DatasetInfo Of(string name, string? upload, SeriesSet set, IReadOnlyList<string> notes)
        => new(name, upload, set.TargetColumn, set.Series.Sum(s => s.Length),
            set.Series.Select(s => new SeriesInfo(s.Symbol, s.Length, Timestamps.Format(s.Dates[0]), Timestamps.Format(s.Dates[^1]), Frequency.Infer(s).Describe())).ToList(),
            notes);
}

/// <summary>One series of a data set.</summary>
internal sealed record SeriesInfo(string Name, int Points, string First, string Last, string Frequency);

/// <summary>
/// The forecasting page's state per browser session (<see cref="Sessions"/>): its latest uploads and its training run.
/// Bounded: a few uploads per session, a few sessions (the least recently used idle one is dropped), a few trainings
/// running at once over all sessions, one per session.
/// </summary>
internal sealed class ForecastSessions
{
    /// <summary>Sessions kept; beyond, the least recently used one not training is forgotten.</summary>
    public const int MaxSessions = 32;

    /// <summary>Uploads kept per session; an upload beyond drops the oldest.</summary>
    public const int MaxUploads = 3;

    /// <summary>Trainings running at once over all sessions: two, one per core of a small machine.</summary>
    public const int MaxRunning = 2;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, State> _sessions = new(StringComparer.Ordinal);
    private long _clock;

    private sealed class State
    {
        public List<Upload> Uploads { get; } = [];
        public ForecastJob? Job { get; set; }
        public long LastUsed { get; set; }
    }

    /// <summary>Keeps <paramref name="upload"/> for <paramref name="session"/>, dropping its oldest beyond <see cref="MaxUploads"/>.</summary>
    public void AddUpload(string session, Upload upload)
    {
        lock (_gate)
        {
            var state = Touch(session);
            state.Uploads.Add(upload);
            if (state.Uploads.Count > MaxUploads) state.Uploads.RemoveAt(0);
        }
    }

    /// <summary>The session's upload with this id, or null (unknown, dropped, or another session's).</summary>
    public Upload? FindUpload(string session, string id)
    {
        lock (_gate) return Touch(session).Uploads.FirstOrDefault(u => u.Id == id);
    }

    /// <summary>The session's latest training run, or null.</summary>
    public ForecastJob? Job(string session)
    {
        lock (_gate) return Touch(session).Job;
    }

    /// <summary>Makes <paramref name="job"/> the session's run, or says in one line (409 or 429) why it cannot start.</summary>
    public void Start(string session, ForecastJob job)
    {
        lock (_gate)
        {
            var state = Touch(session);
            if (state.Job is { Running: true })
                throw new ApiError(Microsoft.AspNetCore.Http.StatusCodes.Status409Conflict,
                    "a training is already running in this browser session: cancel it (POST /api/forecast/cancel) or wait for it to finish, then start another");
            if (_sessions.Values.Count(s => s.Job is { Running: true }) >= MaxRunning)
                throw new ApiError(Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests,
                    $"the server is already running {MaxRunning} trainings for other browser sessions: wait for one to finish and start again");
            state.Job = job;
        }
    }

    /// <summary>Cancels every running training (the server is stopping).</summary>
    public void CancelAll()
    {
        lock (_gate)
            foreach (var state in _sessions.Values)
                if (state.Job is { Running: true } job) job.Cancellation.Cancel();
    }

    private State Touch(string session)
    {
        if (!_sessions.TryGetValue(session, out var state))
        {
            if (_sessions.Count >= MaxSessions)
            {
                var idle = _sessions.Where(kv => kv.Value.Job is not { Running: true }).MinBy(kv => kv.Value.LastUsed);
                if (idle.Key is not null) _sessions.Remove(idle.Key);
            }
            _sessions[session] = state = new State();
        }
        state.LastUsed = ++_clock;
        return state;
    }
}
