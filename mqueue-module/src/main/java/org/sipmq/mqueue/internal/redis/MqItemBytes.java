package org.sipmq.mqueue.internal.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sipmq.mqueue.MQueueItem;

/** An item as two script arguments, its key and value in UTF-8. */
final class MqItemBytes {
    private MqItemBytes() {
    }

    static void add(List<byte[]> args, MQueueItem item) {
        args.add(item.key().getBytes(StandardCharsets.UTF_8));
        args.add(item.value().getBytes(StandardCharsets.UTF_8));
    }
}
