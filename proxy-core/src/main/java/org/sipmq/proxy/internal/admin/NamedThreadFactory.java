package org.sipmq.proxy.internal.admin;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads named {@code prefix} (one thread) or {@code prefix-0}, {@code prefix-1}, ... (a pool). */
final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final boolean numbered;
    private final AtomicInteger next = new AtomicInteger();

    NamedThreadFactory(String prefix, boolean numbered) {
        this.prefix = prefix;
        this.numbered = numbered;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, numbered ? prefix + "-" + next.getAndIncrement() : prefix);
        t.setDaemon(false);
        return t;
    }
}
