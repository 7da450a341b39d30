package org.sipmq.proxy.admin;

/**
 * A JSON-RPC error answered by an {@link RpcMethod}: {@code {"code":404,"message":"No such queue"}}. Kamailio's modules
 * use HTTP-like codes (400, 404, 500) that the endpoint also sends as the HTTP status; the JSON-RPC 2.0 codes
 * (-32700..-32600) are answered with HTTP 500, as Kamailio's jsonrpcs does for every code of 100 or less.
 */
public final class RpcException extends Exception {
    private static final long serialVersionUID = 1L;

    /** JSON-RPC 2.0: the request body is not JSON. */
    public static final int PARSE_ERROR = -32700;
    /** JSON-RPC 2.0: the body is JSON but not a request. */
    public static final int INVALID_REQUEST = -32600;
    /** JSON-RPC 2.0: no method has that name. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** JSON-RPC 2.0: the method's parameters are wrong. */
    public static final int INVALID_PARAMS = -32602;
    /** JSON-RPC 2.0: the method failed unexpectedly. */
    public static final int INTERNAL_ERROR = -32603;

    private final int code;
    private final String data;

    /** An error with a code and a message, as Kamailio's {@code rpc->fault(ctx, code, message)}. */
    public RpcException(int code, String message) {
        this(code, message, null);
    }

    /**
     * An error with a detail for the caller, sent as the error's {@code data} member.
     *
     * @param data a human-readable detail ({@code "key: 42 (expected: a string)"}), or null
     */
    public RpcException(int code, String message, String data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    /** {@link #INVALID_PARAMS} with Kamailio's message and {@code detail} as data. */
    public static RpcException invalidParams(String detail) {
        return new RpcException(INVALID_PARAMS, "Invalid Parameters", detail);
    }

    public int code() {
        return code;
    }

    /** The error's {@code data} member, or null. */
    public String data() {
        return data;
    }
}
