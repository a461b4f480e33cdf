namespace Caffe.Examples.Siamese;

/// <summary>The prototxt files this example writes, as BVLC's example ships them.</summary>
/// <param name="TrainTest">The train/test net (<c>mnist_siamese_train_test.prototxt</c>).</param>
/// <param name="Solver">The solver (<c>mnist_siamese_solver.prototxt</c>).</param>
/// <param name="Deploy">The deploy net (<c>mnist_siamese.prototxt</c>).</param>
/// <param name="SnapshotPrefix">The solver's snapshot prefix: the trained weights are <c>{prefix}_iter_{N}.caffemodel</c>.</param>
public sealed record SiameseFiles(string TrainTest, string Solver, string Deploy, string SnapshotPrefix)
{
    /// <summary>
    /// Writes the three files into <paramref name="folder"/>: the train/test net reading the LMDB pair databases
    /// <paramref name="trainDb"/> and <paramref name="testDb"/>, the solver running <paramref name="maxIter"/>
    /// iterations, and the deploy net taking <paramref name="deployBatch"/> pictures at a time.
    /// </summary>
    public static SiameseFiles Write(string folder, string trainDb, string testDb, int maxIter, int deployBatch)
    {
        Directory.CreateDirectory(folder);
        var files = new SiameseFiles(
            Path.Combine(folder, "mnist_siamese_train_test.prototxt"),
            Path.Combine(folder, "mnist_siamese_solver.prototxt"),
            Path.Combine(folder, "mnist_siamese.prototxt"),
            Path.Combine(folder, "mnist_siamese"));
        TextFormat.WriteFile(files.TrainTest, SiameseDefinition.TrainTest(trainDb, testDb, DataParameter.Types.DB.Lmdb));
        TextFormat.WriteFile(files.Solver, SiameseDefinition.Solver(files.TrainTest, files.SnapshotPrefix, maxIter));
        TextFormat.WriteFile(files.Deploy, SiameseDefinition.Deploy(deployBatch));
        return files;
    }
}
