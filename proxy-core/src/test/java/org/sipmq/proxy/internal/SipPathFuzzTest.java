package org.sipmq.proxy.internal;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the SIP path, from the bytes of a UDP datagram through JAIN-SIP's parser, the proxy's
 * validation and transaction layer, to the routing hooks and the pseudo-variables they read ({@link SipPathHarness}).
 * Any exception or ERROR out of the proxy, an invalid request reaching a hook, or a proxy that stops routing is a
 * finding; a malformed message that is counted, dropped or answered 400 is not.
 *
 * <p>
 * A plain test run ({@code mvn verify}) runs it over the committed corpus, {@code SipPathFuzzTestInputs/datagramToHooks}
 * in the test resources (Jazzer's regression mode); with {@code JAZZER_FUZZ=1} Jazzer mutates that corpus for
 * {@code maxDuration} (see docs/fuzzing.md, and the {@code fuzz} profile that CI runs).
 */
class SipPathFuzzTest {
    private static SipPathHarness harness;

    @BeforeAll
    static void startProxy() throws Exception {
        harness = new SipPathHarness();
    }

    @AfterAll
    static void stopProxy() throws Exception {
        harness.close();
    }

    @FuzzTest(maxDuration = "90s")
    @DictionaryFile(resourcePath = "sip.dict")
    void datagramToHooks(byte[] datagram) throws Exception {
        harness.feed(datagram);
    }
}
