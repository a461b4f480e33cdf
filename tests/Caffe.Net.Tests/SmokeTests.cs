namespace Caffe.Tests;

[TestClass]
public sealed class SmokeTests
{
    [TestMethod]
    public void ProtoCompiles() => Assert.AreEqual(0, new Caffe.BlobShape().Dim.Count);
}
