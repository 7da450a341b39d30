package org.sipmq.proxy.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimerExecTest {
    @Test
    void parsesKamailioExec() {
        assertThat(TimerExec.parse("timer=t1;route=ACC_DRAIN;")).isEqualTo(new TimerExec("t1", "ACC_DRAIN"));
        assertThat(TimerExec.parse(" TIMER = t1 ; Route = \"ACC_DRAIN\" "))
                .isEqualTo(new TimerExec("t1", "ACC_DRAIN"));
    }

    @Test
    void reportsMissingAndUnknownAttributes() {
        assertThatThrownBy(() -> TimerExec.parse("timer=t1;where=x"))
                .hasMessage("\"timer=t1;where=x\": unknown attribute 'where' (expected: timer, route);"
                        + " route is missing (expected: route=<a route's name>)");
        assertThatThrownBy(() -> TimerExec.parse("timer=;route=R"))
                .hasMessage("\"timer=;route=R\": timer: '' (expected: timer=<a timer's name>)");
    }

    @Test
    void printsBack() {
        TimerExec e = new TimerExec("t 1", "R");
        assertThat(TimerExec.parse(e.toString())).isEqualTo(e);
    }
}
