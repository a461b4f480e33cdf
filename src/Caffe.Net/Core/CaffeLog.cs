namespace Caffe;

/// <summary>Severity of a log line, as glog's (INFO, WARNING, ERROR) plus DEBUG for Caffe's DLOG lines.</summary>
public enum LogSeverity
{
    /// <summary>Detail that Caffe only logs in debug builds.</summary>
    Debug = -1,
    /// <summary>Progress and facts (glog INFO).</summary>
    Info = 0,
    /// <summary>Something the user should fix (glog WARNING).</summary>
    Warning = 1,
    /// <summary>A failure (glog ERROR).</summary>
    Error = 2,
}

/// <summary>
/// Where Caffe.Net's log lines go. By default lines at or above <see cref="MinSeverity"/> are written to
/// standard error; <c>GLOG_minloglevel</c> (0 = INFO, 1 = WARNING, 2 = ERROR) sets the default as it does for Caffe.
/// </summary>
public static class CaffeLog
{
    /// <summary>The lowest severity written; defaults to WARNING unless <c>GLOG_minloglevel</c> says otherwise.</summary>
    public static LogSeverity MinSeverity { get; set; } = DefaultSeverity();

    /// <summary>Receives every line at or above <see cref="MinSeverity"/>; defaults to writing to standard error.</summary>
    public static Action<LogSeverity, string> Sink { get; set; } = WriteToStandardError;

    /// <summary>Logs a DEBUG line.</summary>
    public static void Debug(string message) => Write(LogSeverity.Debug, message);

    /// <summary>Logs an INFO line.</summary>
    public static void Info(string message) => Write(LogSeverity.Info, message);

    /// <summary>Logs a WARNING line.</summary>
    public static void Warning(string message) => Write(LogSeverity.Warning, message);

    /// <summary>Logs an ERROR line.</summary>
    public static void Error(string message) => Write(LogSeverity.Error, message);

    /// <summary>Logs a line at <paramref name="severity"/>.</summary>
    public static void Write(LogSeverity severity, string message)
    {
        Redirection? redirection = CurrentRedirection.Value;
        if (redirection != null)
        {
            if (severity >= redirection.MinSeverity) redirection.Sink(severity, message);
        }
        else if (severity >= MinSeverity)
        {
            Sink(severity, message);
        }
    }

    /// <summary>
    /// Sends the lines logged by the calling flow (this thread and the tasks it starts) at or above
    /// <paramref name="minSeverity"/> to <paramref name="sink"/> instead of <see cref="Sink"/>, until the result is
    /// disposed. Other threads keep logging as before, so a command-line tool or a test can capture its own lines.
    /// </summary>
    public static IDisposable Redirect(Action<LogSeverity, string> sink, LogSeverity minSeverity)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var redirection = new Redirection(sink, minSeverity, CurrentRedirection.Value);
        CurrentRedirection.Value = redirection;
        return redirection;
    }

    /// <summary>A line as glog prints it: severity letter, date and time, message (<c>I0213 10:04:05.123456 text</c>).</summary>
    public static string FormatLine(LogSeverity severity, string message)
    {
        char letter = severity switch
        {
            LogSeverity.Debug => 'D',
            LogSeverity.Info => 'I',
            LogSeverity.Warning => 'W',
            _ => 'E',
        };
        return $"{letter}{DateTime.Now:MMdd HH:mm:ss.ffffff} {message}";
    }

    private static readonly AsyncLocal<Redirection?> CurrentRedirection = new();

    private sealed class Redirection(Action<LogSeverity, string> sink, LogSeverity minSeverity, Redirection? previous)
        : IDisposable
    {
        public Action<LogSeverity, string> Sink { get; } = sink;

        public LogSeverity MinSeverity { get; } = minSeverity;

        public void Dispose() => CurrentRedirection.Value = previous;
    }

    private static void WriteToStandardError(LogSeverity severity, string message) =>
        Console.Error.WriteLine(FormatLine(severity, message));

    private static LogSeverity DefaultSeverity()
    {
        string? level = Environment.GetEnvironmentVariable("GLOG_minloglevel");
        return int.TryParse(level, out int value) ? (LogSeverity)Math.Clamp(value, 0, 2) : LogSeverity.Warning;
    }
}
