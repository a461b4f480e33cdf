using System.Diagnostics;
using System.Text;
using Google.Protobuf;

namespace Caffe.Tests.IO;

/// <summary>
/// Deterministic random mutations of real prototxts (delete, insert, replace, duplicate,
/// truncate): the parser must end every time, either with a message or with a
/// TextFormatException, never another exception; and whatever it accepts must survive Print/Parse.
/// </summary>
[TestClass]
public sealed class TextFormatFuzzTests
{
    // Characters that matter to the grammar, plus a few that should never appear.
    private const string Alphabet = "{}<>[]:;,\"'\\#-+.0123456789eExXfF_az \n\t\u0001\u00e9\u20ac";

    [TestMethod]
    public void MutatedNetsOnlyEverThrowTextFormatException() =>
        Fuzz<NetParameter>(TestData.Model("bvlc/mnist/lenet_train_test.prototxt"), seed: 1701, iterations: 3000);

    [TestMethod]
    public void MutatedV1NetsOnlyEverThrowTextFormatException() =>
        Fuzz<NetParameter>(TestData.Model("cifar10_v1/cifar10_quick_train_test.prototxt"), seed: 42, iterations: 1000);

    [TestMethod]
    public void MutatedSolversOnlyEverThrowTextFormatException() =>
        Fuzz<SolverParameter>(TestData.Model("bvlc/mnist/lenet_solver_adam.prototxt"), seed: 7, iterations: 1000);

    private static void Fuzz<T>(string path, int seed, int iterations) where T : IMessage<T>, new()
    {
        string original = File.ReadAllText(path);
        var random = new Random(seed);
        int accepted = 0, rejected = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            string text = Mutate(original, random);
            T message;
            try
            {
                message = TextFormat.Parse<T>(text, "fuzz.prototxt");
            }
            catch (TextFormatException error)
            {
                Assert.IsTrue(error.Line >= 1 && error.Column >= 1, error.Message);
                rejected++;
                continue;
            }
            catch (Exception other)
            {
                Assert.Fail($"iteration {i}: {other.GetType().Name} escaped for input:\n{text}\n{other}");
                return;
            }
            accepted++;
            Assert.AreEqual(message, TextFormat.Parse<T>(TextFormat.Print(message)), $"iteration {i}: accepted input does not round-trip:\n{text}");
        }
        // Both outcomes must occur, or the mutations are not exercising the parser.
        Assert.IsGreaterThan(iterations / 20, accepted, $"accepted {accepted}");
        Assert.IsGreaterThan(iterations / 4, rejected, $"rejected {rejected}");
        Assert.IsLessThan(5000, clock.ElapsedMilliseconds, "every parse must finish quickly");
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(6))
            {
                case 0:
                    builder.Remove(at, Math.Min(1 + random.Next(4), builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    builder[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4:
                    int length = Math.Min(1 + random.Next(40), builder.Length - at);
                    builder.Insert(random.Next(builder.Length), builder.ToString(at, length));
                    break;
                default:
                    // A whole token swapped for another: keeps the text mostly well-formed.
                    string[] tokens = ["{", "}", ":", "0", "-1", "1e40", "0x7fffffff", "99999999999", "\"s\"", "nan", "TRAIN", "name", "layer", "[", "]", ","];
                    builder.Insert(at, " " + tokens[random.Next(tokens.Length)] + " ");
                    break;
            }
        }
        return builder.ToString();
    }
}
