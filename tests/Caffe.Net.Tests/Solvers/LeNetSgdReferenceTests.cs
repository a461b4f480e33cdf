using Caffe.Tests.Reference;

namespace Caffe.Tests.Solvers;

/// <summary>
/// The BVLC reference trajectory tests/data/reference/nets/solver_lenet_sgd: LeNet trained by BVLC Caffe's SGD
/// solver for 30 iterations (momentum 0.9, weight decay 5e-4, lr_policy inv) from fixed weights on 4 fixed batches.
/// Procedure as in the case's case.json: before each <c>step(1)</c> the data blob gets batch i % 4 and the label
/// blob the labels; the loss recorded for iteration i is the forward loss of that iteration (before its update).
/// </summary>
[TestClass]
public sealed class LeNetSgdReferenceTests
{
    [TestMethod]
    public void ThirtySgdIterationsMatchBvlcCaffe()
    {
        var reference = new ReferenceCase("solver_lenet_sgd");
        System.Text.Json.JsonElement check = reference.Check("solver");
        SolverParameter param = ProtoIO.ReadSolverParamsFromTextFile(reference.File_(check.GetProperty("solver_prototxt").GetString()!));
        // The case ran with the case folder as working directory; paths are made absolute instead of changing ours.
        param.Net = reference.File_(param.Net);
        param.SnapshotPrefix = reference.File_(param.SnapshotPrefix);
        Solver solver = Solver.Create(param);
        Assert.IsInstanceOfType<SgdSolver>(solver);
        solver.Net.CopyFrom(reference.Weights);

        NdArray[] batches = Enumerable.Range(0, 4).Select(i => reference.Array($"input_data_batch{i}.npy")).ToArray();
        NdArray label = reference.Array("input_label.npy");
        NdArray expectedLosses = reference.Array("sgd/losses.npy");
        var losses = new float[expectedLosses.Count];
        for (int i = 0; i < losses.Length; i++)
        {
            batches[i % 4].Data.CopyTo(solver.Net.Blobs["data"].Data);
            label.Data.CopyTo(solver.Net.Blobs["label"].Data);
            solver.Step(1);
            losses[i] = solver.Net.Blobs["loss"].Data[0];
        }

        Assert.AreEqual(check.GetProperty("solver_iter_after").GetInt32(), solver.Iter);
        for (int i = 0; i < losses.Length; i++)
        {
            Assert.AreEqual(expectedLosses.Data[i], losses[i], 1e-4 * Math.Abs(expectedLosses.Data[i]),
                $"loss of iteration {i}: ours {losses[i]:R}, BVLC {expectedLosses.Data[i]:R}");
        }
        foreach ((string key, string file) in ReferenceCase.Arrays(check).Where(a => a.Key.Contains('/')))
        {
            string[] parts = key.Split('/');
            Blob blob = solver.Net.Params[parts[0]][int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)];
            reference.AssertClose(file, blob.Data, blob.Shape, $"final {key}");
        }
        Assert.IsFalse(Directory.EnumerateFiles(reference.Folder, "sgd_snap*").Any(), "Step writes no snapshot when snapshot is 0");
    }
}
