namespace Caffe.Tests;

/// <summary>
/// MKL's libmkl_rt kills the process on its first computation unless a threading layer that can
/// load is chosen first; running these tests in-process is the check (a regression aborts the run).
/// </summary>
[TestClass]
public sealed class MklBackendTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void MklUsesGnuOpenMpThreadingAndComputes()
    {
        if (Blas.TryGet(BlasBackendKind.Mkl) is not MklBackend mkl)
        {
            Assert.IsFalse(File.Exists("/usr/lib/x86_64-linux-gnu/libmkl_rt.so"), "libmkl_rt.so is installed but did not load");
            Assert.Inconclusive("MKL is not installed (scripts/setup installs it)");
            return;
        }
        TestContext.WriteLine(mkl.Name);
        if (File.Exists("/usr/lib/x86_64-linux-gnu/libgomp.so.1"))
        {
            Assert.AreEqual("GNU OpenMP", mkl.ThreadingLayer);
            Assert.AreEqual(mkl.Threads, mkl.MaxThreads, "MKL_Set_Num_Threads reached MKL");
        }
        StringAssert.Contains(mkl.Name, mkl.ThreadingLayer);
        if (Environment.GetEnvironmentVariable("MKL_CBWR") is { Length: > 0 } user)
        {
            Assert.AreEqual($"MKL_CBWR={user}", mkl.CodeBranch);
        }
        else if (MklBackend.CpuVendor() is "GenuineIntel" or "")
        {
            Assert.IsNull(mkl.CodeBranch, "an Intel CPU keeps MKL's own code path");
        }
        else
        {
            Assert.AreEqual("MKL_CBWR=AUTO", mkl.CodeBranch, $"CPU {MklBackend.CpuVendor()}");
            Assert.AreEqual(MklBackend.CodeBranchAuto, mkl.ReportedCodeBranch, "MKL took the AUTO branch");
            StringAssert.Contains(mkl.Name, "MKL_CBWR=AUTO");
        }

        // Large enough for MKL to go multi-threaded: the first real computation is where a wrong
        // threading layer would abort.
        var rng = new Random(5);
        const int n = 192;
        float[] a = BlasBackendTests.Random(rng, n * n), b = BlasBackendTests.Random(rng, n * n), c = new float[n * n];
        mkl.Gemm(Transpose.NoTrans, Transpose.Trans, n, n, n, 1f, a, b, 0f, c);
        var (expected, magnitude) = BlasBackendTests.ReferenceProduct(Transpose.NoTrans, Transpose.Trans, n, n, n, a, b);
        for (int i = 0; i < c.Length; i++)
            Assert.IsTrue(Math.Abs(c[i] - expected[i]) <= 4e-6 * magnitude[i] + 1e-6, $"C[{i}] = {c[i]}, expected {expected[i]}");
    }
}
