using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.SaveLoop;

/// <summary>
/// Saves one of two networks to the path it is given, alternating, forever: a test kills it (SIGKILL) at random
/// moments and checks that the file always loads as one of the two and that no temporary file outlives the next save.
/// </summary>
public static class Program
{
    /// <summary>Large enough (about 200 KB) that a save takes a while, so kills land inside writes.</summary>
    public static readonly NetworkShape Shape = new(CellKind.Lstm, 4, 64, 2, 1);

    /// <summary>The two networks saved in turn (0 and 1), the same in every process.</summary>
    public static RecurrentNetwork<float> Network(int which) => RecurrentNetwork<float>.Create(Shape, 100 + which);

    /// <summary>Usage: <c>dotnet Unroll.SaveLoop.dll PATH</c>. Prints "saving", then saves until killed, printing
    /// "saved" after each save.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: dotnet Unroll.SaveLoop.dll MODEL_PATH");
            return 2;
        }
        RecurrentNetwork<float>[] networks = [Network(0), Network(1)];
        Console.WriteLine("saving");
        Console.Out.Flush();
        for (long i = 0; ; i++)
        {
            ModelFile.Save(networks[i % 2], args[0]);
            Console.WriteLine("saved");
            Console.Out.Flush();
        }
    }
}
