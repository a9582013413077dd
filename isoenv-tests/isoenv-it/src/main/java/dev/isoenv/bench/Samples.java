package dev.isoenv.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The statistics the benchmarks print: medians, percentiles and the runs themselves, in milliseconds. */
final class Samples {
    private Samples() {
    }

    /**
     * Returns the median: the middle value, or the mean of the two middle ones.
     *
     * @param values the measurements
     * @return the median
     */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Returns the nearest-rank percentile.
     *
     * @param values the measurements
     * @param p the fraction, such as 0.99
     * @return the value below which that fraction of the measurements lies
     */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p * sorted.size()) - 1));
        return sorted.get(index);
    }

    /**
     * Formats the runs as whole milliseconds, in the order they were measured.
     *
     * @param values the measurements
     * @return such as {@code [3118, 2950, 3301]}
     */
    static String format(List<Double> values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, "%.0f", v));
        }
        return parts.toString();
    }
}
