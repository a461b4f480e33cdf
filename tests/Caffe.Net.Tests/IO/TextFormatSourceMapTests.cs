namespace Caffe.Tests.IO;

/// <summary>The optional side table of <c>TextFormat.ParseFile(path, out SourceMap)</c>: where each element of a repeated message field starts.</summary>
[TestClass]
public sealed class TextFormatSourceMapTests
{
    private const string Text = """
        name: "n"
        layer {
          name: "a"
          param { lr_mult: 1 }
          param { lr_mult: 2 }
        }
          layer
          {
            name: "b"
          }
        layer: [ { name: "c" },
                 { name: "d" } ]
        """;

    [TestMethod]
    public void RecordsTheStartOfEveryRepeatedMessageElement()
    {
        NetParameter net = TextFormat.Parse<NetParameter>(Text, "x.prototxt", out SourceMap map);
        Assert.AreEqual("x.prototxt", map.FileName);
        Assert.AreEqual(new SourceLocation("x.prototxt", 2, 1), map.Find("layer[0]"));
        Assert.AreEqual(new SourceLocation("x.prototxt", 4, 3), map.Find("layer[0].param[0]"));
        Assert.AreEqual(new SourceLocation("x.prototxt", 5, 3), map.Find("layer[0].param[1]"));
        Assert.AreEqual(new SourceLocation("x.prototxt", 7, 3), map.Find("layer[1]"), "the field name, not the brace on the next line");
        Assert.AreEqual(new SourceLocation("x.prototxt", 11, 10), map.Find("layer[2]"), "list syntax: the element's brace");
        Assert.AreEqual(new SourceLocation("x.prototxt", 12, 10), map.Find("layer[3]"));
        Assert.IsNull(map.Find("layer[4]"));
        Assert.IsNull(map.Find("name"), "only repeated message elements are recorded");
        Assert.HasCount(6, map.Elements);
        Assert.AreEqual("x.prototxt:7", map.Find("layer[1]")!.Value.ToString());
        Assert.AreEqual(TextFormat.Parse<NetParameter>(Text), net, "the map does not change the message");
    }

    [TestMethod]
    public void ParseFileNamesTheFile()
    {
        using var file = new TempPrototxt(Text);
        NetParameter net = TextFormat.ParseFile<NetParameter>(file.Path, out SourceMap map);
        Assert.AreEqual(TextFormat.ParseFile<NetParameter>(file.Path), net);
        Assert.AreEqual(file.Path, map.Find("layer[3]")!.Value.File);
        Assert.AreEqual("<text>:1", new SourceLocation(null, 1, 1).ToString());
    }

    [TestMethod]
    public void ParseErrorsAreUnchanged()
    {
        var with = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.Parse<NetParameter>("layer: [ { name: 1 } ]", "e", out _));
        var without = Assert.ThrowsExactly<TextFormatException>(() => TextFormat.Parse<NetParameter>("layer: [ { name: 1 } ]", "e"));
        Assert.AreEqual(without.Message, with.Message);
    }
}
