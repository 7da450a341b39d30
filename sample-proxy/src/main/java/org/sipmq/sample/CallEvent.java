package org.sipmq.sample;

/**
 * One accounting event of a call, as the sample's hooks queue it in {@code acc}: the key is the Call-ID, the value one
 * of
 *
 * <pre>
 * INVITE|&lt;from&gt;|&lt;to&gt;|&lt;epoch ms&gt;   the call started
 * REPLY|&lt;status&gt;|&lt;epoch ms&gt;          the final reply sent to the caller
 * BYE|&lt;epoch ms&gt;                     the call ended
 * </pre>
 *
 * Fields are separated by {@code |}; from and to are URIs, which cannot hold a bare {@code |}.
 */
record CallEvent(Kind kind, String callId, String from, String to, int status, long timeMillis) {
    enum Kind {
        INVITE, REPLY, BYE
    }

    static String invite(String from, String to, long timeMillis) {
        return "INVITE|" + from + "|" + to + "|" + timeMillis;
    }

    static String reply(int status, long timeMillis) {
        return "REPLY|" + status + "|" + timeMillis;
    }

    static String bye(long timeMillis) {
        return "BYE|" + timeMillis;
    }

    /**
     * Parses a queued value.
     *
     * @throws IllegalArgumentException naming the value and the expected shapes
     */
    static CallEvent parse(String callId, String value) {
        String[] f = value.split("\\|", -1);
        try {
            switch (f[0]) {
                case "INVITE" :
                    if (f.length == 4) {
                        return new CallEvent(Kind.INVITE, callId, f[1], f[2], 0, Long.parseLong(f[3]));
                    }
                    break;
                case "REPLY" :
                    if (f.length == 3) {
                        return new CallEvent(Kind.REPLY, callId, null, null, Integer.parseInt(f[1]),
                                Long.parseLong(f[2]));
                    }
                    break;
                case "BYE" :
                    if (f.length == 2) {
                        return new CallEvent(Kind.BYE, callId, null, null, 0, Long.parseLong(f[1]));
                    }
                    break;
                default :
                    break;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole value
        }
        throw new IllegalArgumentException("acc event for call '" + callId + "': '" + value
                + "' (expected: INVITE|from|to|ms, REPLY|status|ms or BYE|ms)");
    }
}
