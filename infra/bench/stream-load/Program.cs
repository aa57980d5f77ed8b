// Echo server and load generator for infra/bench/stream.sh, which measures TCP stream proxying on loopback:
// direct (client to this echo server), nginx's stream module, and the gateway's stream_listen.
//
//   stream-load echo --port P
//   stream-load throughput --target 127.0.0.1:P --concurrency C --seconds S [--chunk BYTES] [--max-mb MB]
//   stream-load connrate --target 127.0.0.1:P --concurrency C --seconds S [--max-connections N]
//
// A load command prints one line of key=value pairs and exits 0 when it saw no error, 1 otherwise; bad
// arguments exit 2. Loopback only: the echo server binds 127.0.0.1 and a target must be a loopback address.
using StreamLoad;

try
{
    var options = Options.Parse(args);
    return options.Command switch
    {
        "echo" => await EchoServer.RunAsync(options.Port),
        "throughput" => await Throughput.RunAsync(options),
        "connrate" => await ConnectionRate.RunAsync(options),
        _ => throw new ArgumentException($"unknown command '{options.Command}'"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"stream-load: {e.Message}");
    Console.Error.WriteLine("usage: stream-load echo --port P | throughput|connrate --target 127.0.0.1:P --concurrency C --seconds S");
    return 2;
}
