using Raftex.Operator.Crd;
using Raftex.Operator.Hosting;

namespace Raftex.Operator;

/// <summary>Entry point of raftex-operator.</summary>
internal static class Program
{
    private const string Usage = """
        usage: raftex-operator <command> [options]
          crds --output DIR     write the CRD YAML generated from the C# types into DIR
          docs --readme FILE    refresh the generated spec/status tables in FILE (the operator README)
          run [--kubeconfig FILE] [--namespace NS | --all-namespaces] [--leader-election true|false]
              [--lease-namespace NS] [--lease-name NAME] [--identity ID] [--metrics-port N] [--metrics-address IP] [--admin-token-file PATH] [--workers N]
                                run the operator (in-cluster config when no kubeconfig is given)
        """;

    private static async Task<int> Main(string[] args)
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
            case "docs":
                return Docs(args[1..]);
            case "run":
                OperatorOptions options;
                try
                {
                    options = OperatorOptions.Parse(args[1..]);
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine($"run: {e.Message}");
                    return 2;
                }

                return await OperatorProcess.RunAsync(options);
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int Docs(string[] args)
    {
        if (args.Length != 2 || args[0] != "--readme")
        {
            Console.Error.WriteLine("docs: expected --readme FILE");
            return 2;
        }

        File.WriteAllText(args[1], SpecTable.Splice(File.ReadAllText(args[1]), ReadmeTables.Render()));
        Console.WriteLine($"refreshed {args[1]}");
        return 0;
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
