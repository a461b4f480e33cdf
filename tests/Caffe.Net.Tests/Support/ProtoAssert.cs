using Google.Protobuf;

namespace Caffe.Tests;

/// <summary>Assertions on protobuf messages.</summary>
internal static class ProtoAssert
{
    /// <summary>
    /// Asserts message equality including field presence: generated proto2 <c>Equals</c> treats an unset field
    /// and one set to its default as equal, so the wire bytes are compared too. On failure the message shows the
    /// first differing line of the two texts.
    /// </summary>
    public static void AreEqual<T>(T expected, T actual, string? context = null) where T : IMessage<T>
    {
        Assert.IsNotNull(actual, context);
        if (expected.Equals(actual) && expected.ToByteString().Equals(actual.ToByteString())) return;
        string[] expectedLines = TextFormat.Print(expected).Split('\n');
        string[] actualLines = TextFormat.Print(actual).Split('\n');
        int line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line]) line++;
        string Line(string[] lines) => line < lines.Length ? lines[line] : "<end>";
        Assert.Fail($"{context}: {typeof(T).Name}s differ at printed line {line + 1}:\n" +
                    $"  expected: {Line(expectedLines)}\n  actual:   {Line(actualLines)}" +
                    (expected.Equals(actual) ? "\n  (equal values; a field is set in one and unset in the other)" : ""));
    }
}

/// <summary>Captures the <see cref="CaffeLog"/> lines of the current test (other threads are not affected).</summary>
internal sealed class LogCapture : IDisposable
{
    private readonly IDisposable _redirection;

    public LogCapture(LogSeverity minSeverity = LogSeverity.Info) =>
        _redirection = CaffeLog.Redirect((severity, message) => Lines.Add((severity, message)), minSeverity);

    public List<(LogSeverity Severity, string Message)> Lines { get; } = [];

    public IEnumerable<string> Messages => Lines.Select(l => l.Message);

    public void Dispose() => _redirection.Dispose();
}
