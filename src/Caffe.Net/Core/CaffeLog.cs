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
        if (severity >= MinSeverity) Sink(severity, message);
    }

    private static void WriteToStandardError(LogSeverity severity, string message)
    {
        char letter = severity switch
        {
            LogSeverity.Debug => 'D',
            LogSeverity.Info => 'I',
            LogSeverity.Warning => 'W',
            _ => 'E',
        };
        Console.Error.WriteLine($"{letter}{DateTime.Now:MMdd HH:mm:ss.ffffff} {message}");
    }

    private static LogSeverity DefaultSeverity()
    {
        string? level = Environment.GetEnvironmentVariable("GLOG_minloglevel");
        return int.TryParse(level, out int value) ? (LogSeverity)Math.Clamp(value, 0, 2) : LogSeverity.Warning;
    }
}
