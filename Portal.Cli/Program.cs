using Portal.Cli;

return CliApp.Run(args, Console.Out, Console.Error, TimeProvider.System);
