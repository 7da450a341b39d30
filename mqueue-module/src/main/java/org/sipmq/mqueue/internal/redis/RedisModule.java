package org.sipmq.mqueue.internal.redis;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import org.sipmq.mqueue.internal.SharedQueueFactory;
import org.sipmq.proxy.Service;

/**
 * Binds the Redis engine when some queue has {@code backend=redis}: the factory of those queues and the service that
 * connects and ships. Does no I/O and starts no thread here.
 */
public final class RedisModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), SharedQueueFactory.class).setBinding().to(RedisEngine.class);
        Multibinder.newSetBinder(binder(), Service.class).addBinding().to(RedisEngine.class);
    }
}
