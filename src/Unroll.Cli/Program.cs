using Unroll.Cli;

return UnrollCli.Run(args, Console.In, Console.Out, Console.Error);
