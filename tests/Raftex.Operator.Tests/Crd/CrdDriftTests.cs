using Raftex.Operator.Crd;

namespace Raftex.Operator.Tests.Crd;

public sealed class CrdDriftTests
{
    [Fact]
    public void Checked_in_crds_match_what_the_code_generates()
    {
        var repoCrds = Path.Combine(RepoRoot.Find(), "crds");
        var temp = Directory.CreateTempSubdirectory("raftex-crds-");
        try
        {
            var written = CrdWriter.WriteAll(temp.FullName);
            Assert.NotEmpty(written);
            foreach (var path in written)
            {
                var committed = Path.Combine(repoCrds, Path.GetFileName(path));
                Assert.True(File.Exists(committed), $"{committed} is missing: run `make crds`");
                var expected = File.ReadAllText(path);
                var actual = File.ReadAllText(committed);
                Assert.True(expected == actual, $"{committed} differs from the code: run `make crds`");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        var first = CrdWriter.ToYaml(ExchangeClusterCrd.Build());
        var second = CrdWriter.ToYaml(ExchangeClusterCrd.Build());
        Assert.Equal(first, second);
    }
}
