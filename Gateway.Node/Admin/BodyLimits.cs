namespace Gateway.Node.Admin;

/// <summary>How much of a request body the Admin API takes, and how long it waits for it.</summary>
/// <param name="MaxBytes">The largest body accepted, 0 for no limit (Kong's nginx_admin_client_max_body_size).</param>
/// <param name="IdleTimeout">The longest wait between two reads of the body (nginx's client_body_timeout).</param>
public sealed record BodyLimits(long MaxBytes, TimeSpan IdleTimeout);
