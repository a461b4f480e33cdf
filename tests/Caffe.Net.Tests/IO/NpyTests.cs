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

/// <summary>.npy files written by numpy itself (tests/data/pycaffe/make_reference.py) and the dtypes Npy writes.</summary>
[TestClass]
public sealed class NpyNumpyFileTests
{
    [TestMethod]
    public void ReadsNumpyFloat64FortranVersion2()
    {
        NdArray a = Npy.Load(TestData.Path("pycaffe/npy_f8_fortran_v2.npy"));
        CollectionAssert.AreEqual(new[] { 2, 3, 4 }, a.Shape.ToArray());
        for (int i = 0; i < 24; i++) Assert.AreEqual(i / 8f - 1, a.Data[i]);
    }

    [TestMethod]
    public void ReadsNumpyUInt8AndBigEndianFloat32()
    {
        NdArray u = Npy.Load(TestData.Path("pycaffe/npy_u1.npy"));
        CollectionAssert.AreEqual(Enumerable.Range(0, 25).Select(i => i * 10f).ToArray(), u.Data);
        NdArray big = Npy.Load(TestData.Path("pycaffe/npy_f4_big.npy"));
        CollectionAssert.AreEqual(new[] { 3, 2 }, big.Shape.ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 6).Select(i => i * 1.5f).ToArray(), big.Data);
    }

    [TestMethod]
    public void WritesFloat64AndUInt8()
    {
        var array = new NdArray([0f, 1.5f, 255f], [3]);
        foreach ((NpyDType dtype, string descr, int size) in new[] { (NpyDType.Float64, "<f8", 8), (NpyDType.UInt8, "|u1", 1) })
        {
            if (dtype == NpyDType.UInt8) array.Data[1] = 7;
            using var stream = new MemoryStream();
            Npy.Write(stream, array, dtype);
            byte[] bytes = stream.ToArray();
            StringAssert.Contains(System.Text.Encoding.Latin1.GetString(bytes, 10, 64), $"'descr': '{descr}'");
            Assert.AreEqual(0, (bytes.Length - 3 * size) % 64, "data starts on a 64-byte boundary");
            CollectionAssert.AreEqual(array.Data, Npy.Read(new MemoryStream(bytes)).Data);
        }
        Assert.ThrowsExactly<ArgumentException>(() => Npy.Write(new MemoryStream(), new NdArray([0.5f], [1]), NpyDType.UInt8));
    }

    [TestMethod]
    public void HugeHeaderSwitchesToVersion2()
    {
        // A shape with many axes makes a header longer than 65535 bytes, which needs format 2.0.
        int[] shape = Enumerable.Repeat(1, 25000).ToArray();
        using var stream = new MemoryStream();
        Npy.Write(stream, new NdArray(shape), NpyDType.Float32);
        byte[] bytes = stream.ToArray();
        Assert.AreEqual(2, bytes[6]);
        Assert.AreEqual(0, (bytes.Length - 4) % 64);
        Assert.AreEqual(25000, Npy.Read(new MemoryStream(bytes)).NumAxes);
    }
}
