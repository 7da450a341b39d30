/**
 * The admin endpoint's engine: the JDK HTTP server, JSON-RPC 2.0 dispatch in Kamailio jsonrpcs's shapes, the token
 * check, the settings, and the built-in {@code core.*} methods. Public API: {@code org.sipmq.proxy.AdminModule},
 * {@code RpcMethod}, {@code RpcException}, {@code AdminEndpoint}.
 */
package org.sipmq.proxy.internal.admin;
