namespace Raftex.Operator.Crd;

/// <summary>The generated section of the operator README: spec and status tables from the CRD schema.</summary>
public static class ReadmeTables
{
    /// <summary>Both tables with their headings.</summary>
    public static string Render()
    {
        var schema = ExchangeClusterCrd.Build().Spec.Versions[0].Schema.OpenAPIV3Schema;
        return "\n### Spec\n\n" + SpecTable.Render(schema.Properties["spec"], "spec")
            + "\n### Status\n\n" + SpecTable.Render(schema.Properties["status"], "status") + "\n";
    }
}
