using System.CommandLine;
using Caffe.Cli.Commands;

namespace Caffe.Tests.Cli;

/// <summary><c>caffe inspect</c> on the test models: prototxts, caffemodels (V2 and V1), HDF5 weights and bad files.</summary>
[TestClass]
public sealed class InspectCommandTests
{
    [TestMethod]
    public void PrototxtListsNameTypeBottomsAndTops()
    {
        string file = TestData.Model("lenet_v2/lenet.prototxt");
        (int code, string[] lines, string error) = Inspect(file);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual($"{file}: net 'LeNet', 9 layer(s)", lines[0]);
        AssertRow(lines, "0", "data", "Input", "data");
        AssertRow(lines, "1", "conv1", "Convolution", "data", "conv1");
        AssertRow(lines, "6", "relu1", "ReLU", "ip1", "ip1");
        AssertRow(lines, "8", "prob", "Softmax", "ip2", "prob");
        Assert.HasCount(11, lines);
    }

    [TestMethod]
    public void BigV2PrototxtListsEveryLayerWithSeveralBottoms()
    {
        string file = TestData.Model("resnet/ResNet-50-deploy.prototxt");
        NetParameter net = ProtoIO.ReadNetParamsFromTextFile(file);
        (int code, string[] lines, _) = Inspect(file);
        Assert.AreEqual(0, code);
        Assert.HasCount(net.Layer.Count + 2, lines);
        AssertRow(lines, "", "res2a", "Eltwise", "res2a_branch1,", "res2a_branch2c", "res2a");
    }

    [TestMethod]
    public void CaffemodelListsBlobShapesParameterCountsAndTotals()
    {
        string file = TestData.Model("lenet_v2/lenet_iter_10000.caffemodel");
        (int code, string[] lines, string error) = Inspect(file);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual($"{file}: net 'LeNet', 9 layer(s), 4 with weights", lines[0]);
        AssertRow(lines, "0", "mnist", "Data", "-", "0");
        AssertRow(lines, "1", "conv1", "Convolution", "20x1x5x5,", "20", "520");
        AssertRow(lines, "5", "ip1", "InnerProduct", "500x800,", "500", "400500");
        AssertRow(lines, "7", "ip2", "InnerProduct", "10x500,", "10", "5010");
        Assert.AreEqual("total: 8 blob(s), 431080 parameters (1.72 MB as float32)", lines[^1]);
    }

    [TestMethod]
    public void V1CaffemodelIsListedWhetherOrNotItIsUpgraded()
    {
        // The layer types read CONVOLUTION (V1 'layers') or Convolution (upgraded); names and counts are the same.
        (int code, string[] lines, string error) = Inspect(TestData.Model("lenet_v1/lenet_iter_10000.caffemodel"));
        Assert.AreEqual(0, code, error);
        Assert.IsTrue(lines.Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "conv1", _, "20x1x5x5,", _, "520"]),
            string.Join("\n", lines));
        Assert.AreEqual("total: 8 blob(s), 431080 parameters (1.72 MB as float32)", lines[^1]);
    }

    [TestMethod]
    public void Hdf5WeightsAreListedFromTheDataGroup()
    {
        Net net = ParamsTestNets.Create(ParamsTestNets.Plain);
        string dir = Directory.CreateTempSubdirectory("caffe-inspect-").FullName;
        try
        {
            string file = Path.Combine(dir, "w.caffemodel.h5");
            net.SaveHdf5(file, writeDiff: true);
            (int code, string[] lines, string error) = Inspect(file);
            Assert.AreEqual(0, code, error);
            Assert.AreEqual($"{file}: HDF5 weights, 3 layer(s), with diffs", lines[0]);
            AssertRow(lines, "0", "data", "-", "0");
            AssertRow(lines, "1", "ip1", "0:", "4x3,", "1:", "4", "16");
            Assert.AreEqual("total: 4 blob(s), 26 parameters (0.00 MB as float32)", lines[^1]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void H5pyFileIsListedWithEveryLayerGroup()
    {
        (int code, string[] lines, _) = Inspect(TestData.Path("weights/caffe_layout.caffemodel.h5"));
        Assert.AreEqual(0, code);
        AssertRow(lines, "1", "gone", "0:", "7x7", "49");
        AssertRow(lines, "3", "ip2", "0:", "2x4,", "1:", "2", "10");
    }

    [TestMethod]
    public void MissingFileIsOneErrorLine()
    {
        (int code, string[] lines, string error) = Inspect("/nonexistent/net.prototxt");
        Assert.AreEqual(1, code);
        Assert.HasCount(0, lines);
        Assert.AreEqual("caffe: error: /nonexistent/net.prototxt: no such file.", error.TrimEnd());
    }

    [TestMethod]
    public void CorruptFilesAreOneErrorLineNamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("caffe-inspect-").FullName;
        try
        {
            byte[] model = File.ReadAllBytes(TestData.Model("lenet_v2/lenet_iter_10000.caffemodel"));
            string truncated = Path.Combine(dir, "cut.caffemodel");
            File.WriteAllBytes(truncated, model[..1000]);
            string badText = Path.Combine(dir, "bad.prototxt");
            File.WriteAllText(badText, "name: \"x\"\nlayer { nme: \"a\" }\n");
            foreach (string file in new[] { truncated, badText })
            {
                (int code, string[] lines, string error) = Inspect(file);
                Assert.AreEqual(1, code, file);
                Assert.HasCount(0, lines);
                string[] errorLines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.HasCount(1, errorLines, error);
                Assert.StartsWith("caffe: error: ", errorLines[0]);
                StringAssert.Contains(errorLines[0], Path.GetFileName(file));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void CommandParsesItsArgumentAndWritesToTheConfiguredOutput()
    {
        var root = new RootCommand { InspectCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        string file = TestData.Model("mtcnn/det1.prototxt");
        int code = root.Parse(["inspect", file]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.AreEqual(0, code, error.ToString());
        StringAssert.StartsWith(output.ToString(), $"{file}: net 'PNet'");
        StringAssert.Contains(output.ToString(), "PReLU");
    }

    private static (int Code, string[] Lines, string Error) Inspect(string file)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = InspectCommand.Run(file, output, error);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), error.ToString());
    }

    // A table row, compared by its whitespace-separated cells.
    private static void AssertRow(string[] lines, params string[] cells)
    {
        bool found = lines.Any(line =>
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return cells[0].Length == 0 ? parts.Skip(1).SequenceEqual(cells.Skip(1)) : parts.SequenceEqual(cells);
        });
        Assert.IsTrue(found, $"no row [{string.Join(" ", cells)}] in:\n{string.Join("\n", lines)}");
    }
}
