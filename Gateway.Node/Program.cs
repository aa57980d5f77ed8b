using Gateway.Node.Cli;

return await CommandRunner.RunAsync(args);
