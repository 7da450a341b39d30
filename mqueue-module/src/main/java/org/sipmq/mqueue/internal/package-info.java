/**
 * The queues' engine: the table of queues ({@code QueueTable}), one local queue ({@code RealMQueue} over
 * {@code EngineQueue}), the Kamailio-named functions with their per-thread slots ({@code RealMQueues}), the
 * {@code $mqk}/{@code $mqv}/{@code $mq_size} pseudo-variables and the definition parser, whose result
 * {@code MQueueDefinition} wraps. Entered through {@code QueuesModule}, which {@code MQueueModule} installs.
 */
package org.sipmq.mqueue.internal;
