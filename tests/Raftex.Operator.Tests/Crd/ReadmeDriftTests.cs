using Raftex.Operator.Crd;

namespace Raftex.Operator.Tests.Crd;

public sealed class ReadmeDriftTests
{
    [Fact]
    public void Readme_spec_tables_match_the_schema()
    {
        var path = Path.Combine(RepoRoot.Find(), "operator", "Raftex.Operator", "README.md");
        var readme = File.ReadAllText(path);
        var refreshed = SpecTable.Splice(readme, ReadmeTables.Render());
        Assert.True(readme == refreshed,
            "operator/Raftex.Operator/README.md tables differ from the schema: run `dotnet run --project operator/Raftex.Operator -- docs --readme operator/Raftex.Operator/README.md`");
    }

    [Fact]
    public void Tables_list_every_spec_field_with_its_constraints()
    {
        var tables = ReadmeTables.Render();
        Assert.Contains("| `spec.replicas` | integer | `3` | ≥ 1; ≤ 9 |", tables, StringComparison.Ordinal);
        Assert.Contains("| `spec.storage.size` (required) | quantity | `1Gi` | immutable |", tables, StringComparison.Ordinal);
        Assert.Contains("`spec.symbols[].name` (required)", tables, StringComparison.Ordinal);
        Assert.Contains("`status.progress.step`", tables, StringComparison.Ordinal);
    }

    [Fact]
    public void Splice_refuses_a_readme_without_markers()
    {
        Assert.Throws<InvalidOperationException>(() => SpecTable.Splice("# nothing here", "table"));
    }
}
