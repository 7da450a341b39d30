/**
 * The mqueue module's management: Kamailio's {@code mqueue.*} RPC commands (plus our {@code mqueue.add}) and the
 * per-queue metrics, installed through {@link org.sipmq.mqueue.internal.rpc.MQueueRpcModule}.
 */
package org.sipmq.mqueue.internal.rpc;
