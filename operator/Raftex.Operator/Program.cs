using Raftex.Operator.Crd;

namespace Raftex.Operator;

/// <summary>Entry point of raftex-operator.</summary>
internal static class Program
{
    private const string Usage = """
        usage: raftex-operator <command> [options]
          crds --output DIR     write the CRD YAML generated from the C# types into DIR
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (args[0])
        {
            case "crds":
                return Crds(args[1..]);
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int Crds(string[] args)
    {
        var output = "crds";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--output" && i + 1 < args.Length)
            {
                output = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"crds: unexpected argument '{args[i]}'");
                return 2;
            }
        }

        foreach (var path in CrdWriter.WriteAll(output))
        {
            Console.WriteLine($"wrote {path}");
        }

        return 0;
    }
}
