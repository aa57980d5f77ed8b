using System.Globalization;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>Kong's grpc-status to HTTP status table (grpc-gateway's handler, after google/rpc/code.proto).</summary>
public static class GrpcHttpStatus
{
    private static readonly int[] ByCode =
    [
        200, // OK
        499, // CANCELLED
        500, // UNKNOWN
        400, // INVALID_ARGUMENT
        504, // DEADLINE_EXCEEDED
        404, // NOT_FOUND
        409, // ALREADY_EXISTS
        403, // PERMISSION_DENIED
        429, // RESOURCE_EXHAUSTED
        400, // FAILED_PRECONDITION
        409, // ABORTED
        400, // OUT_OF_RANGE
        500, // UNIMPLEMENTED
        500, // INTERNAL
        503, // UNAVAILABLE
        500, // DATA_LOSS
        401, // UNAUTHENTICATED
    ];

    /// <summary>The HTTP status for a grpc-status value: 500 for a code outside the table, null for a value that is not a number (Kong's tonumber fails and the status stays).</summary>
    public static int? For(string grpcStatus) =>
        !double.TryParse(grpcStatus, NumberStyles.Float, CultureInfo.InvariantCulture, out var code) ? null
        : code >= 0 && code < ByCode.Length && code == Math.Floor(code) ? ByCode[(int)code]
        : 500;
}
