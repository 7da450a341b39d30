package org.sipmq.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SipTimersTest {
    private final FakeClock clock = new FakeClock();
    private final SipTimers timers = new SipTimers("test-sip-timers", clock);
    private final List<String> fired = new ArrayList<>();

    @AfterEach
    void stop() {
        timers.stop();
    }

    private SipTimers.Task recording(String name) {
        return new SipTimers.Task() {
            @Override
            public boolean due() {
                return true;
            }

            @Override
            public void fire() {
                fired.add(name + "@" + clock.millis());
            }
        };
    }

    private SipTimers.Task throwing(Throwable t) {
        return new SipTimers.Task() {
            @Override
            public boolean due() {
                return true;
            }

            @Override
            public void fire() {
                if (t instanceof RuntimeException e) {
                    throw e;
                }
                throw (Error) t;
            }
        };
    }

    @Test
    void aTaskFiresOnceItsDelayHasPassedAndNotBefore() {
        timers.schedule(100, recording("a"));
        clock.advance(99);
        timers.sweep();
        assertThat(fired).isEmpty();
        clock.advance(1);
        timers.sweep();
        assertThat(fired).containsExactly("a@100");
    }

    @Test
    void aTaskFiresOnlyOnce() {
        timers.schedule(100, recording("a"));
        clock.run(timers, 1_000);
        assertThat(fired).containsExactly("a@100");
        assertThat(timers.queued()).isZero();
    }

    @Test
    void aMootTaskDoesNotFireAndLeavesItsQueueAtItsDeadline() {
        boolean[] fireCalled = {false};
        timers.schedule(100, new SipTimers.Task() {
            @Override
            public boolean due() {
                return false;
            }

            @Override
            public void fire() {
                fireCalled[0] = true;
            }
        });
        clock.run(timers, 90);
        assertThat(timers.queued()).as("a moot timer is not cancelled: it waits for its deadline").isEqualTo(1);
        clock.run(timers, 10);
        assertThat(fireCalled[0]).isFalse();
        assertThat(timers.queued()).isZero();
    }

    @Test
    void dueIsReadOnlyWhenTheDeadlinePasses() {
        boolean[] moot = {false};
        timers.schedule(100, new SipTimers.Task() {
            @Override
            public boolean due() {
                return !moot[0];
            }

            @Override
            public void fire() {
                fired.add("fired");
            }
        });
        clock.run(timers, 50);
        moot[0] = true;
        clock.run(timers, 50);
        assertThat(fired).isEmpty();
    }

    @Test
    void tasksOfEachDurationFireInTheOrderTheyWereScheduledWhateverTheOtherDurations() {
        timers.schedule(300, recording("long-1"));
        timers.schedule(100, recording("short-1"));
        clock.advance(50);
        timers.schedule(300, recording("long-2"));
        timers.schedule(100, recording("short-2"));
        timers.schedule(200, recording("middle-1"));
        clock.run(timers, 400);
        assertThat(fired).containsExactly("short-1@100", "short-2@150", "middle-1@250", "long-1@300",
                "long-2@350");
    }

    @Test
    void oneLateSweepFiresEveryDueTaskEachDurationInItsOrder() {
        timers.schedule(300, recording("long-1"));
        timers.schedule(100, recording("short-1"));
        clock.advance(50);
        timers.schedule(300, recording("long-2"));
        timers.schedule(100, recording("short-2"));
        timers.schedule(5_000, recording("not-yet"));
        clock.advance(1_000 - 50 - 1);
        timers.sweep();
        // the order across durations is the map's; within one, the order of scheduling
        assertThat(fired).hasSize(4).containsSubsequence("long-1@999", "long-2@999").containsSubsequence(
                "short-1@999", "short-2@999");
        assertThat(timers.queued()).isEqualTo(1);
    }

    @Test
    void aTaskScheduledByAFiringTaskWaitsItsWholeDelay() {
        timers.schedule(100, new SipTimers.Task() {
            @Override
            public boolean due() {
                return true;
            }

            @Override
            public void fire() {
                fired.add("first@" + clock.millis());
                timers.schedule(100, recording("second"));
            }
        });
        clock.advance(100);
        timers.sweep();
        assertThat(fired).containsExactly("first@100");
        clock.run(timers, 100);
        assertThat(fired).containsExactly("first@100", "second@200");
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOthers() {
        timers.schedule(100, recording("before"));
        timers.schedule(100, throwing(new IllegalStateException("expected by the test")));
        timers.schedule(100, recording("after"));
        timers.schedule(200, recording("other-duration"));
        clock.advance(200);
        assertThatCode(timers::sweep).doesNotThrowAnyException();
        assertThat(fired).containsExactlyInAnyOrder("before@200", "after@200", "other-duration@200");
        assertThat(timers.queued()).isZero();
    }

    @Test
    void aTaskThatThrowsAnErrorDoesNotStopTheOthersNorTheSweeps() {
        // a sweep that throws ends the sweeping thread's fixed-delay schedule: every SIP timer would stop for good
        timers.schedule(100, throwing(new AssertionError("expected by the test")));
        timers.schedule(100, recording("after"));
        clock.advance(100);
        assertThatCode(timers::sweep).doesNotThrowAnyException();
        assertThat(fired).containsExactly("after@100");
    }

    @Test
    void aTaskWhoseDueThrowsDoesNotStopTheOthers() {
        timers.schedule(100, new SipTimers.Task() {
            @Override
            public boolean due() {
                throw new IllegalStateException("expected by the test");
            }

            @Override
            public void fire() {
                fired.add("never");
            }
        });
        timers.schedule(100, recording("after"));
        clock.advance(100);
        assertThatCode(timers::sweep).doesNotThrowAnyException();
        assertThat(fired).containsExactly("after@100");
    }

    @Test
    void queuedCountsEveryWaitingTimer() {
        timers.schedule(100, recording("a"));
        timers.schedule(100, recording("b"));
        timers.schedule(5_000, recording("c"));
        assertThat(timers.queued()).isEqualTo(3);
        clock.run(timers, 100);
        assertThat(timers.queued()).isEqualTo(1);
    }
}
