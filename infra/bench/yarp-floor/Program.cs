// The floor of the gateway's stack, for infra/bench/proxy.sh (target "yarp"): Kestrel and YARP's
// forwarder with the node's runtime settings (inline socket completions, no thread-pool spinning,
// workstation GC) and nothing else: no routing, no plugins, no Kong headers, HttpTransformer.Empty.
// What the gateway costs above this is its own; what this costs above nginx is the stack's.
//
//   dotnet yarp-floor.dll <listen port> <upstream prefix, e.g. http://127.0.0.1:8080>
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 2 || !int.TryParse(args[0], out var port))
{
    Console.Error.WriteLine("usage: yarp-floor <listen port> <upstream prefix>");
    return 2;
}

var upstream = args[1];
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, port);
});
builder.Services.AddHttpForwarder();
var app = builder.Build();

var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    ActivityHeadersPropagator = null,
});
var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
app.Run(async context => await forwarder.SendAsync(context, upstream, invoker, config, HttpTransformer.Empty));
await app.RunAsync();
return 0;
