using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Caffe.Cli.Commands;

/// <summary>
/// How <c>caffe train</c> shows progress. On a terminal: one live line (iteration, loss, smoothed loss, rate,
/// images/s, ETA) drawn by Spectre.Console, with the log lines scrolling above it. Otherwise (output redirected, as
/// in scripts and CI, where Spectre would print nothing): a Caffe-style log line every <c>display</c> iterations.
/// </summary>
internal abstract class TrainProgress
{
    private const int SpeedWindow = 20;
    private readonly Queue<(long Ticks, int Iteration)> _recent = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _firstIteration = -1;

    protected TrainProgress(int maxIter, int imagesPerIteration)
    {
        MaxIter = maxIter;
        ImagesPerIteration = imagesPerIteration;
    }

    protected int MaxIter { get; }

    protected int ImagesPerIteration { get; }

    /// <summary>The live line when <paramref name="stdout"/> is the terminal, log lines otherwise.</summary>
    public static TrainProgress Create(TextWriter stdout, int maxIter, int imagesPerIteration, int display, LogSeverity minLogSeverity) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected
            ? new Live(maxIter, imagesPerIteration, minLogSeverity)
            : new LogLines(maxIter, imagesPerIteration, display);

    /// <summary>Runs <paramref name="train"/> with the progress shown.</summary>
    public abstract void Run(Action train);

    /// <summary>Called once per iteration, after its forward/backward passes.</summary>
    public void Report(IterationRecord record)
    {
        long now = _clock.ElapsedTicks;
        if (_firstIteration < 0) _firstIteration = record.Iteration;
        _recent.Enqueue((now, record.Iteration));
        while (_recent.Count > SpeedWindow) _recent.Dequeue();
        (long oldTicks, int oldIteration) = _recent.Peek();
        double seconds = (double)(now - oldTicks) / Stopwatch.Frequency;
        double perSecond = seconds > 0 ? (record.Iteration - oldIteration) / seconds : 0;
        double totalSeconds = (double)now / Stopwatch.Frequency;
        int done = record.Iteration - _firstIteration;
        TimeSpan? eta = done > 0 ? TimeSpan.FromSeconds(totalSeconds / done * (MaxIter - record.Iteration)) : null;
        Show(record, perSecond * ImagesPerIteration, eta);
    }

    protected abstract void Show(IterationRecord record, double imagesPerSecond, TimeSpan? eta);

    protected static string Eta(TimeSpan? eta) => eta is { } t ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : "?";

    protected static string G(double value) => CFloatFormat.FormatG(value, 4);

    private sealed class LogLines(int maxIter, int imagesPerIteration, int display) : TrainProgress(maxIter, imagesPerIteration)
    {
        public override void Run(Action train) => train();

        protected override void Show(IterationRecord record, double imagesPerSecond, TimeSpan? eta)
        {
            if (display == 0 || record.Iteration % display != 0 || imagesPerSecond <= 0) return;
            CaffeLog.Info($"Iteration {record.Iteration}, {imagesPerSecond:F0} images/s, ETA {Eta(eta)}");
        }
    }

    private sealed class Live(int maxIter, int imagesPerIteration, LogSeverity minLogSeverity) : TrainProgress(maxIter, imagesPerIteration)
    {
        private ProgressTask? _task;

        public override void Run(Action train)
        {
            // Spectre calls a console non-interactive when stderr or stdin is redirected (as in `caffe train 2> log`);
            // standard output is the terminal here, so the live line is drawn anyway.
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                Interactive = InteractionSupport.Yes,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            // Log lines must go through Spectre while it owns the terminal, or they would tear the live line.
            IDisposable? log = Console.IsErrorRedirected
                ? null
                : CaffeLog.Redirect((severity, message) => console.Write(new Text(CaffeLog.FormatLine(severity, message) + "\n")), minLogSeverity);
            try
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                    .Start(context =>
                    {
                        _task = context.AddTask(Markup.Escape($"iter 0/{MaxIter}"), maxValue: MaxIter);
                        train();
                    });
            }
            finally
            {
                log?.Dispose();
            }
        }

        protected override void Show(IterationRecord record, double imagesPerSecond, TimeSpan? eta)
        {
            if (_task == null) return;
            _task.Value = record.Iteration + 1;
            _task.Description = Markup.Escape(
                $"iter {record.Iteration + 1}/{MaxIter}  loss {G(record.Loss)}  smoothed {G(record.SmoothedLoss)}  " +
                $"lr {G(record.Lr)}  {imagesPerSecond:F0} img/s  ETA {Eta(eta)}");
        }
    }
}
