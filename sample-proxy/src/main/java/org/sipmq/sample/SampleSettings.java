package org.sipmq.sample;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sipmq.proxy.config.ConfigErrors;
import org.sipmq.proxy.config.ConfigFile;
import org.sipmq.proxy.config.Setting;

/**
 * The sample's own parameters, {@code modparam("sample", ...)}: the static route table, the fallback target, the CDR
 * database and the accounting drain's knobs. Immutable once read.
 *
 * @param routes Request-URI user part to target SIP URI, in definition order
 * @param fallback the target tried once when a call fails with 4xx/5xx (not 487) or times out; empty for none
 * @param cdrDbUrl the JDBC URL of the database that holds the {@code cdr} and {@code caller_state} tables
 * @param accBatch the most acc items one drain run takes
 * @param accDrainDelayMillis simulated I/O per drained item, for benchmarks (0 in a real deployment)
 * @param accounting what is queued and what the drain does with it
 */
record SampleSettings(Map<String, String> routes, Optional<String> fallback, String cdrDbUrl, int accBatch,
        int accDrainDelayMillis, AccountingMode accounting) {

    /** {@code modparam("sample", "accounting", ...)}. */
    enum AccountingMode {
        /** The default: every event of a call into {@code acc}, the caller's state into {@code caller_state}, CDRs. */
        CDR,
        /**
         * One {@code acc} item per new INVITE, fetched and read by the drain, nothing written: the work of a minimal
         * Kamailio script ({@code mq_add} on the INVITE, {@code while (mq_fetch("acc"))} in an rtimer route), so that
         * a benchmark compares like with like. No database is opened.
         */
        INVITE;

        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String DEFAULT_CDR_DB_URL = "jdbc:h2:file:./data/sipmq;MODE=MySQL;DB_CLOSE_ON_EXIT=FALSE";

    static SampleSettings read(ConfigFile file, ConfigErrors errors) {
        Map<String, String> routes = new LinkedHashMap<>();
        Optional<String> fallback = Optional.empty();
        String cdrDbUrl = DEFAULT_CDR_DB_URL;
        int accBatch = 100;
        int delay = 0;
        AccountingMode accounting = AccountingMode.CDR;
        for (Setting s : file.module("sample")) {
            switch (s.name()) {
                case "route" -> {
                    int eq = s.value().indexOf('=');
                    String user = eq < 0 ? "" : s.value().substring(0, eq).strip();
                    String target = eq < 0 ? "" : s.value().substring(eq + 1).strip();
                    if (user.isEmpty() || !isSipUri(target)) {
                        errors.add(s, "\"" + s.value() + "\" (expected: user=sip:host[:port][;params])");
                    } else if (routes.putIfAbsent(user, target) != null) {
                        errors.add(s, "route for user '" + user + "' defined twice (expected: one route a user)");
                    }
                }
                case "fallback" -> {
                    if (!isSipUri(s.value())) {
                        errors.add(s, "\"" + s.value() + "\" (expected: a SIP URI such as sip:127.0.0.1:5092)");
                    } else {
                        fallback = Optional.of(s.value());
                    }
                }
                case "cdr_db_url" -> {
                    if (!s.value().startsWith("jdbc:")) {
                        errors.add(s, "\"" + s.value() + "\" (expected: a JDBC URL, jdbc:h2:... or jdbc:mysql://...)");
                    } else {
                        cdrDbUrl = s.value();
                    }
                }
                case "acc_batch" -> accBatch = intAtLeast(s, 1, accBatch, errors);
                case "acc_drain_delay_ms" -> delay = intAtLeast(s, 0, delay, errors);
                case "accounting" -> accounting = accountingMode(s, accounting, errors);
                default -> errors.add(s, "unknown parameter (expected: route, fallback, cdr_db_url, acc_batch,"
                        + " acc_drain_delay_ms, accounting)");
            }
        }
        return new SampleSettings(Map.copyOf(routes), fallback, cdrDbUrl, accBatch, delay, accounting);
    }

    private static boolean isSipUri(String v) {
        return (v.startsWith("sip:") || v.startsWith("sips:")) && v.length() > 4 && !v.contains(" ");
    }

    private static AccountingMode accountingMode(Setting s, AccountingMode fallback, ConfigErrors errors) {
        for (AccountingMode m : AccountingMode.values()) {
            if (m.configName().equals(s.value().strip())) {
                return m;
            }
        }
        errors.add(s, "\"" + s.value() + "\" (expected: cdr or invite)");
        return fallback;
    }

    private static int intAtLeast(Setting s, int min, int fallback, ConfigErrors errors) {
        try {
            int v = Integer.parseInt(s.value().strip());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(s, "\"" + s.value() + "\" (expected: an integer >= " + min + ")");
        return fallback;
    }
}
