using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.SaveLoop;

/// <summary>
/// Saves one of two networks to the path it is given, alternating, forever: a test kills it (SIGKILL) at random
/// moments and checks that the file always loads as one of the two and that no temporary file outlives the next save.
/// Given a number of saves as well, it makes that many and then stops inside the next write, so that a kill is sure
/// to land there.
/// </summary>
public static class Program
{
    /// <summary>Large enough (about 200 KB) that a save takes a while, so kills land inside writes.</summary>
    public static readonly NetworkShape Shape = new(CellKind.Lstm, 4, 64, 2, 1);

    /// <summary>The two networks saved in turn (0 and 1), the same in every process.</summary>
    public static RecurrentNetwork<float> Network(int which) => RecurrentNetwork<float>.Create(Shape, 100 + which);

    /// <summary>What the child prints once it is inside a write that it will never finish.</summary>
    public const string Inside = "inside";

    /// <summary>Usage: <c>dotnet Unroll.SaveLoop.dll PATH [SAVES]</c>. Prints "saving", then saves, printing "saved"
    /// after each save: until killed, or SAVES times and then it writes half of a file through the same atomic write,
    /// prints "inside" and waits there to be killed.</summary>
    public static int Main(string[] args)
    {
        int stopAfter = -1;
        if (args.Length is < 1 or > 2 || (args.Length == 2 && (!int.TryParse(args[1], out stopAfter) || stopAfter < 0)))
        {
            Console.Error.WriteLine("usage: dotnet Unroll.SaveLoop.dll MODEL_PATH [SAVES_BEFORE_STOPPING_INSIDE_A_WRITE]");
            return 2;
        }
        RecurrentNetwork<float>[] networks = [Network(0), Network(1)];
        Console.WriteLine("saving");
        Console.Out.Flush();
        for (long i = 0; i != stopAfter; i++)
        {
            ModelFile.Save(networks[i % 2], args[0]);
            Console.WriteLine("saved");
            Console.Out.Flush();
        }
        AtomicFile.Write(args[0], stream =>
        {
            stream.Write(new byte[100_000]);
            stream.Flush();
            Console.WriteLine(Inside);
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        });
        return 1;   // not reached: the test kills the process inside the write
    }
}
