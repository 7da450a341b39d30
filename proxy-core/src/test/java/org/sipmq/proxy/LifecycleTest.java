package org.sipmq.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sipmq.proxy.Service.Phase;

class LifecycleTest {
    private final List<String> events = new ArrayList<>();

    private final class FakeService implements Service {
        private final String name;
        private final Phase phase;
        private RuntimeException startFailure;
        private RuntimeException stopFailure;
        private Error stopError;

        FakeService(String name, Phase phase) {
            this.name = name;
            this.phase = phase;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public void start() {
            events.add("start " + name);
            if (startFailure != null) {
                throw startFailure;
            }
        }

        @Override
        public void stop() {
            events.add("stop " + name);
            if (stopFailure != null) {
                throw stopFailure;
            }
            if (stopError != null) {
                throw stopError;
            }
        }
    }

    private final FakeService transport = new FakeService("sip", Phase.TRANSPORT);
    private final FakeService timers = new FakeService("rtimer", Phase.TIMERS);
    private final FakeService queues = new FakeService("mqueue-state", Phase.QUEUE_STATE);
    private final FakeService storage = new FakeService("db", Phase.STORAGE);
    private final FakeService admin = new FakeService("rpc", Phase.MANAGEMENT);
    private final FakeService timers2 = new FakeService("a-timers", Phase.TIMERS);

    private Lifecycle lifecycle() {
        return new Lifecycle(Set.of(transport, timers, queues, storage, admin, timers2));
    }

    @Test
    void startsInPhaseOrderThenByNameAndStopsInReverse() {
        Lifecycle l = lifecycle();
        assertThat(l.services()).containsExactly(storage, queues, timers2, timers, transport, admin);
        l.start();
        l.stop();
        assertThat(events).containsExactly("start db", "start mqueue-state", "start a-timers", "start rtimer",
                "start sip", "start rpc", "stop rpc", "stop sip", "stop rtimer", "stop a-timers",
                "stop mqueue-state", "stop db");
    }

    @Test
    void transportStopsBeforeTimersBeforeQueueState() {
        Lifecycle l = lifecycle();
        l.start();
        events.clear();
        l.stop();
        assertThat(events.indexOf("stop sip")).isLessThan(events.indexOf("stop rtimer"));
        assertThat(events.indexOf("stop rtimer")).isLessThan(events.indexOf("stop mqueue-state"));
    }

    @Test
    void failingStartStopsWhatHadStartedInReverseIncludingTheFailedOneAndNamesIt() {
        timers.startFailure = new IllegalStateException("no threads");
        Lifecycle l = lifecycle();
        assertThatThrownBy(l::start).isInstanceOf(Lifecycle.ServiceStartException.class)
                .hasMessage("service 'rtimer' failed to start: no threads")
                .hasCauseReference(timers.startFailure);
        assertThat(events).containsExactly("start db", "start mqueue-state", "start a-timers", "start rtimer",
                "stop rtimer", "stop a-timers", "stop mqueue-state", "stop db");
    }

    @Test
    void startFailureWithoutMessageNamesTheException() {
        storage.startFailure = new IllegalStateException();
        assertThatThrownBy(lifecycle()::start)
                .hasMessage("service 'db' failed to start: java.lang.IllegalStateException");
    }

    @Test
    void stopIsIdempotent() {
        Lifecycle l = lifecycle();
        l.start();
        l.stop();
        events.clear();
        l.stop();
        assertThat(events).isEmpty();
    }

    @Test
    void stopNeverThrowsAndStillStopsTheOthers() {
        transport.stopFailure = new IllegalStateException("socket");
        timers.stopError = new AssertionError("bug");
        Lifecycle l = lifecycle();
        l.start();
        events.clear();
        assertThatCode(l::stop).doesNotThrowAnyException();
        assertThat(events).containsExactly("stop rpc", "stop sip", "stop rtimer", "stop a-timers",
                "stop mqueue-state", "stop db");
    }

    @Test
    void stopBeforeStartStopsNothingAndForbidsStart() {
        Lifecycle l = lifecycle();
        l.stop();
        assertThat(events).isEmpty();
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("lifecycle already stopped");
    }

    @Test
    void startTwiceIsAnErrorEvenWithoutServices() {
        Lifecycle empty = new Lifecycle(Set.of());
        empty.start();
        assertThatThrownBy(empty::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("lifecycle already started");
    }

    /** A service that records when it hears that the whole application started. */
    private final class Announced implements Service {
        private final String name;
        private final Phase phase;
        private final boolean fails;

        Announced(String name, Phase phase, boolean fails) {
            this.name = name;
            this.phase = phase;
            this.fails = fails;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public void start() {
            if (fails) {
                throw new IllegalStateException("cannot start " + name);
            }
        }

        @Override
        public void allStarted() {
            events.add("all started, told " + name);
        }

        @Override
        public void stop() {
            events.add("stop " + name);
        }
    }

    @Test
    void allStartedIsCalledInStartOrderOnceEveryServiceStarted() {
        Lifecycle l = new Lifecycle(Set.of(new Announced("sip", Phase.TRANSPORT, false),
                new Announced("db", Phase.STORAGE, false)));
        l.start();
        assertThat(events).containsExactly("all started, told db", "all started, told sip");
    }

    @Test
    void allStartedIsNeverCalledWhenALaterServiceFailsToStart() {
        Lifecycle l = new Lifecycle(Set.of(new Announced("sip", Phase.TRANSPORT, true),
                new Announced("db", Phase.STORAGE, false)));
        assertThatThrownBy(l::start).hasMessageContaining("cannot start sip");
        assertThat(events).containsExactly("stop sip", "stop db");
    }
}
