package org.sipmq.proxy.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a {@code # HELP}, a
 * {@code # TYPE}, another comment, a blank line or a sample {@code name{label="value",...} value [timestamp]}, and
 * every sample's family must have been typed before it. Samples are kept by their series, labels sorted:
 * {@code mqueue_size{queue="acc"}}.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (\\S+)( .*)?");
    private static final Set<String> SUFFIXES = Set.of("_total", "_count", "_sum", "_bucket", "_max", "_created");

    private final Map<String, Double> samples;
    private final Map<String, String> types;

    private PrometheusText(Map<String, Double> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /** Parses a scrape; throws {@link AssertionError} naming the line that breaks the format. */
    public static PrometheusText parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            try {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    Matcher t = TYPE.matcher(line);
                    if (t.matches()) {
                        if (!NAME.matcher(t.group(1)).matches() || types.put(t.group(1), t.group(2)) != null) {
                            throw new IllegalArgumentException("bad or repeated TYPE");
                        }
                    } else if (line.startsWith("# HELP") && !HELP.matcher(line).matches()) {
                        throw new IllegalArgumentException("bad HELP");
                    }
                    continue;
                }
                sample(line, samples, types);
            } catch (RuntimeException e) {
                throw new AssertionError("line " + (i + 1) + " is not Prometheus text (" + e.getMessage() + "): "
                        + line, e);
            }
        }
        return new PrometheusText(samples, types);
    }

    private static void sample(String line, Map<String, Double> samples, Map<String, String> types) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name '" + name + "'");
        }
        if (family(name, types) == null) {
            throw new IllegalArgumentException("sample of '" + name + "' without a TYPE line before it");
        }
        TreeMap<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("expected 'value [timestamp]'");
        }
        double value = number(rest[0]);
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        String series = series(name, labels);
        if (samples.put(series, value) != null) {
            throw new IllegalArgumentException("series repeated: " + series);
        }
    }

    private static int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            String label = line.substring(i, eq);
            if (!LABEL_NAME.matcher(label).matches() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad label at column " + (i + 1));
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (;; j++) {
                char c = line.charAt(j);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char n = line.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                    if (n != 'n' && n != '\\' && n != '"') {
                        throw new IllegalArgumentException("bad escape \\" + n);
                    }
                } else {
                    value.append(c);
                }
            }
            if (labels.put(label, value.toString()) != null) {
                throw new IllegalArgumentException("label repeated: " + label);
            }
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            } else if (line.charAt(i) != '}') {
                throw new IllegalArgumentException("expected ',' or '}' at column " + (i + 1));
            }
        }
    }

    private static double number(String text) {
        switch (text) {
            case "NaN" :
                return Double.NaN;
            case "+Inf" :
                return Double.POSITIVE_INFINITY;
            case "-Inf" :
                return Double.NEGATIVE_INFINITY;
            default :
                return Double.parseDouble(text);
        }
    }

    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    private static String series(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    /** The value of one series, {@code value("mqueue_size", "queue", "acc")}; fails when there is no such series. */
    public double value(String name, String... labelPairs) {
        TreeMap<String, String> labels = new TreeMap<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        String series = series(name, labels);
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in the scrape (series: " + samples.keySet() + ")");
        }
        return v;
    }

    /** The TYPE of a family ({@code counter}, {@code gauge}, ...), or null. */
    public String type(String family) {
        return types.get(family);
    }

    /** Every series and its value. */
    public Map<String, Double> samples() {
        return Map.copyOf(samples);
    }
}
