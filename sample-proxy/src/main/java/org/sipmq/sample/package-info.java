/**
 * The sample proxy: the offload pattern end to end. {@code Accounting} (a routing hook) puts one item per call event
 * into the {@code acc} queue with {@code mq_add}; {@code AccDrain} (an rtimer route) drains it with
 * {@code while (mq_fetch("acc") == 1)} into CDRs ({@code CdrStore}, MyBatis). Uses only the public packages of
 * proxy-core and mqueue-module.
 */
package org.sipmq.sample;
