package org.sipmq.mqueue.internal;

import org.sipmq.proxy.pv.PvException;
import org.sipmq.proxy.pv.PvProvider;

/**
 * {@code $mqk(q)}, {@code $mqv(q)} and {@code $mq_size(q)} (spec §3). Unlike the {@code mqk_get} functions, an empty
 * key or value reads as null here, and an unknown queue is an error: at compile time for a literal name, at run time
 * for a name given by a nested pseudo-variable.
 */
final class MQueuePvs {
    private MQueuePvs() {
    }

    static PvProvider key(QueueTable table) {
        return new Held(table, "mqk", true);
    }

    static PvProvider value(QueueTable table) {
        return new Held(table, "mqv", false);
    }

    static PvProvider size(QueueTable table) {
        return new Named(table, "mq_size") {
            @Override
            public String get(String argument) {
                return Integer.toString(queue(argument).size());
            }
        };
    }

    private abstract static class Named implements PvProvider {
        final QueueTable table;
        final String pv;

        Named(QueueTable table, String pv) {
            this.table = table;
            this.pv = pv;
        }

        EngineQueue queue(String name) {
            if (name == null) {
                throw new PvException("$" + pv + " needs a queue name: $" + pv + "(queue)");
            }
            EngineQueue q = table.find(name);
            if (q == null) {
                throw new PvException("$" + pv + "(" + name + "): " + table.notFound(name));
            }
            return q;
        }

        @Override
        public void check(String argument) {
            queue(argument);
        }
    }

    private static final class Held extends Named {
        private final boolean key;

        Held(QueueTable table, String pv, boolean key) {
            super(table, pv);
            this.key = key;
        }

        @Override
        public String get(String argument) {
            Node n = table.held(queue(argument));
            if (n == null) {
                return null;
            }
            String s = key ? n.key : n.value;
            return s.isEmpty() ? null : s;
        }
    }
}
