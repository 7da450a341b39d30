package org.sipmq.proxy.internal;

/**
 * {@link SipPathFuzzTest}'s target for Jazzer's standalone driver, which can do what its JUnit integration cannot:
 * minimise a corpus ({@code -merge=1}, docs/fuzzing.md). The proxy starts on the first input and runs until the JVM
 * exits.
 */
public final class SipPathFuzzTarget {
    private static SipPathHarness harness;

    private SipPathFuzzTarget() {
    }

    public static void fuzzerTestOneInput(byte[] datagram) throws Exception {
        if (harness == null) {
            harness = new SipPathHarness();
        }
        harness.feed(datagram);
    }
}
