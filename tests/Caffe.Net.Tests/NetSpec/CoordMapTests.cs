namespace Caffe.Tests.NetSpecs;

/// <summary>pycaffe's test_coord_map.py ported case by case (random pads and offsets replaced by fixed sweeps).</summary>
[TestClass]
public sealed class CoordMapTests
{
    private static NetSpec CoordNetSpec(object? ks = null, object? stride = null, object? pad = null, int pool = 2, int dstride = 2, int dpad = 0)
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 2, 1, 100, 100 } } });
        n["aux"] = L.Input(new { shape = new { dim = new[] { 2, 1, 20, 20 } } });
        n["conv"] = L.Convolution(n["data"], new { num_output = 10, kernel_size = ks ?? 3, stride = stride ?? 1, pad = pad ?? 0 });
        n["pool"] = L.Pooling(n["conv"], new { pool = P.Pooling.MAX, kernel_size = pool, stride = pool, pad = 0 });
        // For upsampling the kernel is twice the stride.
        n["deconv"] = L.Deconvolution(n["pool"], new { num_output = 10, kernel_size = dstride * 2, stride = dstride, pad = dpad });
        return n;
    }

    private static void AssertMap(CoordMapping expected, CoordMapping actual)
    {
        Assert.AreEqual(expected.Axis, actual.Axis);
        CollectionAssert.AreEqual(expected.Scale, actual.Scale);
        CollectionAssert.AreEqual(expected.Shift, actual.Shift);
    }

    [TestMethod]
    public void ConvPoolDeconv()
    {
        NetSpec n = CoordNetSpec();
        AssertMap(new CoordMapping(1, [1], [0]), CoordMap.FromTo(n["deconv"], n["data"]));
        n = CoordNetSpec(pool: 4, dstride: 4);
        AssertMap(new CoordMapping(1, [1], [-1]), CoordMap.FromTo(n["deconv"], n["data"]));
    }

    [TestMethod]
    public void Pass()
    {
        NetSpec n = CoordNetSpec();
        CoordMapping expected = CoordMap.FromTo(n["deconv"], n["data"]);
        n["relu"] = L.ReLU(n["deconv"]);
        n["conv1x1"] = L.Convolution(n["relu"], new { num_output = 10, kernel_size = 1, stride = 1, pad = 0 });
        foreach (string top in new[] { "relu", "conv1x1" }) AssertMap(expected, CoordMap.FromTo(n[top], n["data"]));
    }

    [TestMethod]
    public void Padding()
    {
        NetSpec reference = CoordNetSpec();
        CoordMapping plain = CoordMap.FromTo(reference["deconv"], reference["data"]);
        foreach (int pad in new[] { 0, 1, 3, 10 })
        {
            NetSpec n = CoordNetSpec(pad: pad);
            CoordMapping conv = CoordMap.FromTo(n["deconv"], n["data"]);
            CollectionAssert.AreEqual(plain.Scale, conv.Scale);
            Assert.AreEqual(plain.Shift[0] - pad, conv.Shift[0], "conv padding adds offset");
            n = CoordNetSpec(dpad: pad);
            CoordMapping deconv = CoordMap.FromTo(n["deconv"], n["data"]);
            Assert.AreEqual(plain.Shift[0] + pad, deconv.Shift[0], "deconv padding subtracts offset");
            n = CoordNetSpec(pad: pad, dpad: pad);
            AssertMap(plain, CoordMap.FromTo(n["deconv"], n["data"]));
        }
    }

    [TestMethod]
    public void MultiConv()
    {
        NetSpec n = CoordNetSpec();
        (n["conv_data"], n["conv_aux"]) = L.Convolution(n["data"], n["aux"], new { ntop = 2, num_output = 10, kernel_size = 5, stride = 2, pad = 0 });
        AssertMap(CoordMap.FromTo(n["conv_data"], n["data"]), CoordMap.FromTo(n["conv_aux"], n["aux"]));
    }

    [TestMethod]
    public void Rect()
    {
        NetSpec n3x3 = CoordNetSpec(ks: 3, stride: 1, pad: 0);
        NetSpec n5x5 = CoordNetSpec(ks: 5, stride: 2, pad: 10);
        NetSpec n3x5 = CoordNetSpec(ks: new[] { 3, 5 }, stride: new[] { 1, 2 }, pad: new[] { 0, 10 });
        CoordMapping m3x3 = CoordMap.FromTo(n3x3["deconv"], n3x3["data"]);
        CoordMapping m5x5 = CoordMap.FromTo(n5x5["deconv"], n5x5["data"]);
        CoordMapping m3x5 = CoordMap.FromTo(n3x5["deconv"], n3x5["data"]);
        Assert.IsTrue(m3x3.Axis == m5x5.Axis && m5x5.Axis == m3x5.Axis);
        Assert.AreEqual(m3x3.Scale[0], m3x5.Scale[0]);
        Assert.AreEqual(m3x3.Shift[0], m3x5.Shift[0]);
        Assert.AreEqual(m5x5.Scale[0], m3x5.Scale[1]);
        Assert.AreEqual(m5x5.Shift[0], m3x5.Shift[1]);
    }

    [TestMethod]
    public void NdConv()
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 2, 3, 100, 100, 100 } } });
        n["conv"] = L.Convolution(n["data"], new { num_output = 10, kernel_size = new[] { 3, 3, 3 }, stride = new[] { 1, 1, 1 }, pad = new[] { 0, 1, 2 } });
        n["pool"] = L.Pooling(n["conv"], new { pool = P.Pooling.MAX, kernel_size = 2, stride = 2, pad = 0 });
        n["deconv"] = L.Deconvolution(n["pool"], new { num_output = 10, kernel_size = 4, stride = 2, pad = 0 });
        CoordMapping m = CoordMap.FromTo(n["deconv"], n["data"]);
        Assert.AreEqual(1, m.Axis);
        Assert.HasCount(m.Scale.Length, m.Shift);
        Assert.IsTrue(m.Scale.All(a => a == 1));
        Assert.AreEqual(m.Shift[0] - 1, m.Shift[1]);
        Assert.AreEqual(m.Shift[1] - 1, m.Shift[2]);
    }

    [TestMethod]
    public void CropOfCrop()
    {
        foreach (int offset in new[] { 0, 1, 4, 10 })
        {
            NetSpec n = CoordNetSpec();
            CoordMapping m = CoordMap.FromTo(n["deconv"], n["data"]);
            n["crop"] = L.Crop(n["deconv"], n["data"], new { axis = 2, offset });
            CoordMapping cropped = CoordMap.FromTo(n["crop"], n["data"]);
            Assert.AreEqual(m.Axis, cropped.Axis);
            CollectionAssert.AreEqual(m.Scale, cropped.Scale);
            Assert.AreEqual(m.Shift[0] + offset, cropped.Shift[0]);
        }
    }

    [TestMethod]
    public void CropHelper()
    {
        NetSpec n = CoordNetSpec(pool: 4, dstride: 4);
        n["crop"] = CoordMap.Crop(n["deconv"], n["data"]);
        LayerParameter crop = n.ToProto().Layer.Single(l => l.Type == "Crop");
        CollectionAssert.AreEqual(new[] { "deconv", "data" }, crop.Bottom.ToArray());
        Assert.AreEqual(2, crop.CropParam.Axis);
        CollectionAssert.AreEqual(new uint[] { 1 }, crop.CropParam.Offset.ToArray());
    }

    [TestMethod]
    public void CatchUnconnected()
    {
        NetSpec n = CoordNetSpec();
        n["ip"] = L.InnerProduct(n["deconv"], new { num_output = 10 });
        StringAssert.Contains(Assert.ThrowsExactly<CoordMapException>(() => CoordMap.FromTo(n["ip"], n["data"])).Message,
            "connected by spatial layers");
    }

    [TestMethod]
    public void CatchScaleMismatch()
    {
        NetSpec n = CoordNetSpec(pool: 3, dstride: 2);
        StringAssert.Contains(Assert.ThrowsExactly<CoordMapException>(() => CoordMap.Crop(n["deconv"], n["data"])).Message, "Scale mismatch");
    }

    [TestMethod]
    public void CatchNegativeCrop()
    {
        NetSpec n = CoordNetSpec(dpad: 10);
        StringAssert.Contains(Assert.ThrowsExactly<CoordMapException>(() => CoordMap.Crop(n["deconv"], n["data"])).Message, "negative width");
    }

    [TestMethod]
    public void WorksOnANetParameterByBlobName()
    {
        NetSpec n = CoordNetSpec(pool: 4, dstride: 4);
        NetParameter net = n.ToProto();
        AssertMap(CoordMap.FromTo(n["deconv"], n["data"]), CoordMap.FromTo(net, "deconv", "data"));
        CropParameter crop = CoordMap.CropParam(net, "deconv", "data");
        Assert.AreEqual(2, crop.Axis);
        CollectionAssert.AreEqual(new uint[] { 1 }, crop.Offset.ToArray());
        StringAssert.Contains(Assert.ThrowsExactly<CoordMapException>(() => CoordMap.FromTo(net, "nope", "data")).Message, "no blob named 'nope'");
    }

    [TestMethod]
    public void LegacyHeightWidthParamsAreRejected()
    {
        var n = new NetSpec();
        n["data"] = L.Input(new { shape = new { dim = new[] { 1, 1, 10, 10 } } });
        n["conv"] = L.Convolution(n["data"], new { num_output = 1, kernel_h = 3, kernel_w = 3 });
        StringAssert.Contains(Assert.ThrowsExactly<CoordMapException>(() => CoordMap.FromTo(n["conv"], n["data"])).Message, "legacy _h/_w");
    }
}
