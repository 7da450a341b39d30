/**
 * The admin endpoint's engine: the JDK HTTP server, JSON-RPC 2.0 dispatch in Kamailio jsonrpcs's shapes, the token
 * check, the settings, and the built-in {@code core.*} methods. Entered through {@code AdminBindings}, which
 * {@code AdminModule} installs. Public API: {@code org.sipmq.proxy.admin}.
 */
package org.sipmq.proxy.internal.admin;
