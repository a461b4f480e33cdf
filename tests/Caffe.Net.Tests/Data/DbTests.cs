using System.Text;

namespace Caffe.Tests.Data;

/// <summary>Caffe's test_db.cpp for both backends, plus missing and corrupt databases.</summary>
[TestClass]
public sealed class DbTests
{
    public static IEnumerable<object[]> Backends => DataTestSupport.Backends.Select(b => new object[] { b });

    private static List<(string, byte[])> CatAndFish() =>
    [
        ("cat.jpg", Encoding.ASCII.GetBytes("meow")),
        ("fish-bike.jpg", Encoding.ASCII.GetBytes("blub")),
    ];

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void GetDbAndOpenNewWriteRead(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, backend, CatAndFish());
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(path, backend);
        Assert.HasCount(2, records);
        Assert.AreEqual("cat.jpg", records[0].Key);
        Assert.AreEqual("meow", Encoding.ASCII.GetString(records[0].Value));
        Assert.AreEqual("fish-bike.jpg", records[1].Key);
        Assert.AreEqual("blub", Encoding.ASCII.GetString(records[1].Value));
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void CursorWalksInKeyOrderAndSeeksToFirst(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        string[] keys = ["00000002_b", "00000000_c", "00000010_a", "00000001_z"];
        DataTestSupport.Write(path, backend, keys.Select(k => (k, Encoding.ASCII.GetBytes(k.ToUpperInvariant()))));
        using IDatabase db = Db.Open(path, backend, DbMode.Read);
        using IDbCursor cursor = db.NewCursor();
        var seen = new List<string>();
        for (; cursor.Valid; cursor.Next())
        {
            seen.Add(cursor.Key);
            Assert.AreEqual(cursor.Key.ToUpperInvariant(), Encoding.ASCII.GetString(cursor.Value));
        }
        CollectionAssert.AreEqual(keys.Order(StringComparer.Ordinal).ToArray(), seen);
        cursor.SeekToFirst();
        Assert.IsTrue(cursor.Valid);
        Assert.AreEqual("00000000_c", cursor.Key);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void WriteModeAddsAndReplacesAcrossCommits(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, backend, CatAndFish());
        using (IDatabase db = Db.Open(path, backend, DbMode.Write))
        using (IDbTransaction txn = db.NewTransaction())
        {
            txn.Put("cat.jpg", Encoding.ASCII.GetBytes("purr"));
            txn.Commit();
            txn.Put("dog.jpg", Encoding.ASCII.GetBytes("woof"));
            txn.Commit();
        }
        List<(string Key, byte[] Value)> records = DataTestSupport.ReadAll(path, backend);
        CollectionAssert.AreEqual(new[] { "cat.jpg", "dog.jpg", "fish-bike.jpg" }, records.Select(r => r.Key).ToArray());
        Assert.AreEqual("purr", Encoding.ASCII.GetString(records[0].Value));
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void EmptyDatabaseCursorIsInvalid(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, backend, []);
        using IDatabase db = Db.Open(path, backend, DbMode.Read);
        using IDbCursor cursor = db.NewCursor();
        Assert.IsFalse(cursor.Valid);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void MissingDatabaseNamesThePath(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("nothing-here");
        var e = Assert.ThrowsExactly<DatabaseException>(() => Db.Open(path, backend, DbMode.Read));
        StringAssert.Contains(e.Message, path);
        Assert.AreEqual(path, e.DatabasePath);
        Assert.IsFalse(Directory.Exists(path), "reading must not create the database");
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void NewOnExistingDatabaseFails(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, backend, CatAndFish());
        var e = Assert.ThrowsExactly<DatabaseException>(() => Db.Open(path, backend, DbMode.New));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    [DynamicData(nameof(Backends))]
    public void ReadOnlyDatabaseRefusesWrites(DataParameter.Types.DB backend)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, backend, CatAndFish());
        using IDatabase db = Db.Open(path, backend, DbMode.Read);
        var e = Assert.ThrowsExactly<DatabaseException>(() => db.NewTransaction());
        StringAssert.Contains(e.Message, "opened for reading");
    }

    [TestMethod]
    public void CorruptLmdbFileNamesThePath()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        Directory.CreateDirectory(path);
        File.WriteAllBytes(Path.Combine(path, "data.mdb"), Encoding.ASCII.GetBytes(new string('x', 8192)));
        var e = Assert.ThrowsExactly<DatabaseException>(() =>
        {
            using IDatabase db = Db.Open(path, DataParameter.Types.DB.Lmdb, DbMode.Read);
            using IDbCursor cursor = db.NewCursor();
        });
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void CorruptLevelDbNamesThePath()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, DataParameter.Types.DB.Leveldb, CatAndFish());
        File.WriteAllText(Path.Combine(path, "CURRENT"), "MANIFEST-999999\n");
        var e = Assert.ThrowsExactly<DatabaseException>(() => Db.Open(path, DataParameter.Types.DB.Leveldb, DbMode.Read));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void LmdbIsAFolderWithDataMdb()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        DataTestSupport.Write(path, DataParameter.Types.DB.Lmdb, CatAndFish());
        Assert.IsTrue(File.Exists(Path.Combine(path, "data.mdb")));
        var e = Assert.ThrowsExactly<DatabaseException>(() => Db.Open(dir.Path, DataParameter.Types.DB.Lmdb, DbMode.Read));
        StringAssert.Contains(e.Message, "data.mdb");
    }

    [TestMethod]
    public void BackendNamesParseAsTheToolsFlag()
    {
        Assert.AreEqual(DataParameter.Types.DB.Lmdb, Db.ParseBackend("lmdb"));
        Assert.AreEqual(DataParameter.Types.DB.Leveldb, Db.ParseBackend("LevelDB"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => Db.ParseBackend("rocksdb"));
        StringAssert.Contains(e.Message, "rocksdb");
    }
}
