namespace Raftex.Simulation;

/// <summary>Entry point of the simulator's command line.</summary>
internal static class Program
{
    private static int Main(string[] args) => SimulationCommandLine.Run(args, Console.Out);
}
