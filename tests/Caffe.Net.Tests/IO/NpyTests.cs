namespace Caffe.Tests.IO;

[TestClass]
public sealed class NpyTests
{
    private static byte[] NpyBytes(string descr, bool fortran, string shape, byte[] payload, int version = 1)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = version == 1 ? 10 : 12;
        int pad = (64 - (prefix + dict.Length + 1) % 64) % 64;
        byte[] header = System.Text.Encoding.Latin1.GetBytes(dict + new string(' ', pad) + "\n");
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1) stream.Write(BitConverter.GetBytes((ushort)header.Length));
        else stream.Write(BitConverter.GetBytes((uint)header.Length));
        stream.Write(header);
        stream.Write(payload);
        return stream.ToArray();
    }

    private static NdArray Read(byte[] bytes) => Npy.Read(new MemoryStream(bytes));

    [TestMethod]
    public void ReadsReferenceInputWrittenByNumpy()
    {
        NdArray input = Npy.Load(TestData.Reference("nets/lenet_v1/input_data.npy"));
        CollectionAssert.AreEqual(new[] { 64, 1, 28, 28 }, input.Shape.ToArray());
        // The reference formula: x[k] = float32(0.5 + 0.5*sin(0.1*k + 0.3)).
        for (int k = 0; k < input.Count; k += 997)
            Assert.AreEqual((float)(0.5 + 0.5 * Math.Sin(0.1 * k + 0.3)), input.Data[k]);
    }

    [TestMethod]
    public void SaveThenLoadRoundTrips()
    {
        string path = Path.Combine(Path.GetTempPath(), $"caffe-{Guid.NewGuid():N}.npy");
        var array = new NdArray(2, 3, 4);
        for (int i = 0; i < array.Count; i++) array.Data[i] = i * 0.25f - 1;
        Npy.Save(path, array);
        NdArray loaded = Npy.Load(path);
        CollectionAssert.AreEqual(array.Shape.ToArray(), loaded.Shape.ToArray());
        CollectionAssert.AreEqual(array.Data, loaded.Data);
        Assert.AreEqual(0L, (new FileInfo(path).Length - 24 * sizeof(float)) % 64, "numpy pads the header to 64 bytes");
        File.Delete(path);
    }

    [TestMethod]
    public void ScalarAndVectorShapesRoundTrip()
    {
        foreach (int[] shape in new[] { Array.Empty<int>(), new[] { 5 } })
        {
            var array = new NdArray(shape);
            array.Data[0] = 3.5f;
            using var stream = new MemoryStream();
            Npy.Write(stream, array);
            NdArray loaded = Read(stream.ToArray());
            CollectionAssert.AreEqual(shape, loaded.Shape.ToArray());
            Assert.AreEqual(3.5f, loaded.Data[0]);
        }
    }

    [TestMethod]
    public void ConvertsFloat64Uint8AndBigEndian()
    {
        NdArray f8 = Read(NpyBytes("<f8", false, "(2,)", [.. BitConverter.GetBytes(1.5), .. BitConverter.GetBytes(-2.0)]));
        CollectionAssert.AreEqual(new[] { 1.5f, -2f }, f8.Data);
        NdArray u1 = Read(NpyBytes("|u1", false, "(3,)", [0, 128, 255]));
        CollectionAssert.AreEqual(new[] { 0f, 128f, 255f }, u1.Data);
        byte[] big = BitConverter.GetBytes(2.5f);
        Array.Reverse(big);
        Assert.AreEqual(2.5f, Read(NpyBytes(">f4", false, "(1,)", big)).Data[0]);
    }

    [TestMethod]
    public void FortranOrderIsTransposedToCOrder()
    {
        // A 2x3 array [[0,1,2],[3,4,5]] stored column-major is 0,3,1,4,2,5.
        byte[] payload = new[] { 0f, 3f, 1f, 4f, 2f, 5f }.SelectMany(BitConverter.GetBytes).ToArray();
        NdArray a = Read(NpyBytes("<f4", true, "(2, 3)", payload));
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f, 4f, 5f }, a.Data);
    }

    [TestMethod]
    public void Version2HeaderIsRead()
    {
        NdArray a = Read(NpyBytes("<f4", false, "(1, 1)", BitConverter.GetBytes(7f), version: 2));
        Assert.AreEqual(7f, a.Data[0]);
    }

    [TestMethod]
    public void BadFilesAreClearErrors()
    {
        var e = Assert.ThrowsExactly<FormatException>(() => Read(NpyBytes("<c8", false, "(1,)", new byte[8])));
        StringAssert.Contains(e.Message, "unsupported .npy dtype");
        Assert.ThrowsExactly<FormatException>(() => Read([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.ThrowsExactly<EndOfStreamException>(() => Read(NpyBytes("<f4", false, "(4,)", new byte[8])));
        string path = Path.Combine(Path.GetTempPath(), $"caffe-{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, NpyBytes("<f4", false, "(4,)", new byte[8]));
        var fileError = Assert.ThrowsExactly<ModelFormatException>(() => Npy.Load(path));
        StringAssert.Contains(fileError.Message, path);
        File.Delete(path);
    }
}
