using System.Security.Cryptography.X509Certificates;

namespace Gateway.Node.Hosting;

/// <summary>
/// The certificates of the control host's <c>ssl</c> listeners, loaded once at start (so a bad file stops start-up
/// with one line) and shared by every control host the node builds.
/// </summary>
/// <param name="Admin">admin_listen's; null when no admin listener has <c>ssl</c>.</param>
/// <param name="Status">status_listen's; null when no status listener has <c>ssl</c>.</param>
/// <param name="Gui">admin_gui_listen's: the proxy's default certificate, which the proxy serves when no SNI matches.</param>
internal sealed record ControlCertificates(X509Certificate2? Admin, X509Certificate2? Status, X509Certificate2 Gui);
