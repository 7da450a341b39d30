package org.sipmq.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallEventTest {
    @Test
    void parsesWhatTheHooksQueue() {
        assertThat(CallEvent.parse("c", CallEvent.invite("sip:a@x", "sip:b@y", 7)))
                .isEqualTo(new CallEvent(CallEvent.Kind.INVITE, "c", "sip:a@x", "sip:b@y", 0, 7));
        assertThat(CallEvent.parse("c", CallEvent.reply(486, 8)))
                .isEqualTo(new CallEvent(CallEvent.Kind.REPLY, "c", null, null, 486, 8));
        assertThat(CallEvent.parse("c", CallEvent.bye(9)))
                .isEqualTo(new CallEvent(CallEvent.Kind.BYE, "c", null, null, 0, 9));
    }

    @Test
    void rejectsMalformedValuesNamingThem() {
        assertThatThrownBy(() -> CallEvent.parse("c", "BYE|soon"))
                .hasMessage(
                        "acc event for call 'c': 'BYE|soon' (expected: INVITE|from|to|ms, REPLY|status|ms or BYE|ms)");
        assertThatThrownBy(() -> CallEvent.parse("c", "HELLO")).isInstanceOf(IllegalArgumentException.class);
    }
}
