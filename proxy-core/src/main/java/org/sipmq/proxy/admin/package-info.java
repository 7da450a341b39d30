/**
 * The admin endpoint: {@link org.sipmq.proxy.admin.AdminModule} serves Kamailio-compatible JSON-RPC 2.0 and
 * Prometheus metrics on one HTTP port; any module adds {@link org.sipmq.proxy.admin.RpcMethod}s by name with
 * {@link org.sipmq.proxy.admin.RpcMethods}. May import {@code org.sipmq.proxy} (modules, services) and
 * {@code .config}; its engine is {@code org.sipmq.proxy.internal.admin}.
 */
package org.sipmq.proxy.admin;
