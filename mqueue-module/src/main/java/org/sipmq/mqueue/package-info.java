/**
 * Kamailio's {@code mqueue}, the public face: {@link org.sipmq.mqueue.MQueueModule} reads the
 * {@code modparam("mqueue", ...)} lines into an {@link org.sipmq.mqueue.MQueueConfig} of
 * {@link org.sipmq.mqueue.MQueueDefinition}s and binds {@link org.sipmq.mqueue.MQueues} (the {@code mq_*} functions
 * under Kamailio's names) and each {@link org.sipmq.mqueue.MQueue}. May import proxy-core's public packages, never
 * its {@code internal}; the engine is {@code org.sipmq.mqueue.internal} (queues, {@code .db} persistence,
 * {@code .redis} shared queues, {@code .rpc} commands and metrics).
 */
package org.sipmq.mqueue;
