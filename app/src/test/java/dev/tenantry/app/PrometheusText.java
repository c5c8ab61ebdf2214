package dev.tenantry.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text exposition format (0.0.4), for tests: it refuses what Prometheus would refuse
 * and what the format's rules forbid — a malformed line, name, label or value; a TYPE after its family's samples, or
 * twice; a family's samples apart from one another; a repeated series; a counter sample without {@code _total}; a
 * histogram whose buckets are not ascending, not cumulative, without {@code +Inf}, or disagreeing with its
 * {@code _count}.
 */
final class PrometheusText {
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME.pattern() + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");

    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new LinkedHashMap<>();

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        parsed.read(text);
        return parsed;
    }

    private void read(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new IllegalArgumentException("the last line has no line feed");
        Set<String> familiesSeen = new HashSet<>();
        Set<String> seriesSeen = new HashSet<>();
        String currentFamily = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                Matcher type = TYPE.matcher(line);
                if (type.matches()) {
                    String family = type.group(1);
                    if (types.containsKey(family)) throw fail(n, "a second TYPE of " + family);
                    if (familiesSeen.contains(family)) throw fail(n, "TYPE of " + family + " after its samples");
                    types.put(family, type.group(2));
                    continue;
                }
                if (line.startsWith("# HELP ") && !HELP.matcher(line).matches()) throw fail(n, "a malformed HELP: " + line);
                continue;
            }
            Sample sample = sample(line, n);
            String family = familyOf(sample.name());
            if (!family.equals(currentFamily)) {
                if (familiesSeen.contains(family)) throw fail(n, "the samples of " + family + " are not together");
                familiesSeen.add(family);
                currentFamily = family;
            }
            if (!seriesSeen.add(sample.name() + sample.labels())) throw fail(n, "a repeated series: " + line);
            String type = types.get(family);
            if ("counter".equals(type) && !sample.name().endsWith("_total") && !sample.name().endsWith("_created")) {
                throw fail(n, "a counter sample without _total: " + line);
            }
            samples.add(sample);
        }
        checkHistograms();
    }

    /** The family a sample belongs to: its name without a histogram's or counter's suffix, where such a family is typed. */
    private String familyOf(String name) {
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) return base;
            }
        }
        return name;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) throw fail(n, "a malformed metric name: " + line);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) throw fail(n, "a malformed label name: " + line);
                if (line.charAt(eq + 1) != '"') throw fail(n, "a label value not in quotes: " + line);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        if (next == 'n') value.append('\n');
                        else if (next == '\\' || next == '"') value.append(next);
                        else throw fail(n, "a bad escape in a label value: " + line);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                if (labels.put(label, value.toString()) != null) throw fail(n, "a repeated label: " + line);
                i = j + 1;
                if (line.charAt(i) == ',') i++;
                else if (line.charAt(i) != '}') throw fail(n, "labels not separated by commas: " + line);
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw fail(n, "no space before the value: " + line);
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) throw fail(n, "more than a value and a timestamp: " + line);
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(rest[0]);
                } catch (NumberFormatException e) {
                    throw fail(n, "a malformed value: " + line);
                }
            }
        };
        if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) throw fail(n, "a malformed timestamp: " + line);
        return new Sample(name, labels, value);
    }

    private void checkHistograms() {
        for (Map.Entry<String, String> type : types.entrySet()) {
            if (!type.getValue().equals("histogram")) continue;
            String family = type.getKey();
            Map<Map<String, String>, List<double[]>> buckets = new HashMap<>();
            Map<Map<String, String>, Double> counts = new HashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(family + "_bucket")) {
                    Map<String, String> series = new LinkedHashMap<>(s.labels());
                    String le = series.remove("le");
                    if (le == null) throw new IllegalArgumentException(family + ": a bucket without le");
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {bound, s.value()});
                } else if (s.name().equals(family + "_count")) {
                    counts.put(s.labels(), s.value());
                }
            }
            buckets.forEach((series, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    if (list.get(i)[0] <= list.get(i - 1)[0]) throw new IllegalArgumentException(family + series + ": buckets not ascending");
                    if (list.get(i)[1] < list.get(i - 1)[1]) throw new IllegalArgumentException(family + series + ": buckets not cumulative");
                }
                double[] last = list.getLast();
                if (last[0] != Double.POSITIVE_INFINITY) throw new IllegalArgumentException(family + series + ": no +Inf bucket");
                Double count = counts.get(series);
                if (count == null || count != last[1]) throw new IllegalArgumentException(family + series + ": _count " + count + " is not the +Inf bucket " + last[1]);
            });
        }
    }

    /** The value of the one sample of {@code name} whose labels include {@code labels}; fails when there is none or several. */
    double value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (found.size() != 1) throw new AssertionError(found.size() + " samples of " + name + " with " + labels);
        return found.getFirst().value();
    }

    private static IllegalArgumentException fail(int line, String why) {
        return new IllegalArgumentException("line " + line + ": " + why);
    }
}
