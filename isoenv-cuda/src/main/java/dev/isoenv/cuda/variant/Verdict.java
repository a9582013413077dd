package dev.isoenv.cuda.variant;

/**
 * Whether one candidate variant runs on the machine, and why or why not.
 *
 * @param accepted true if it runs
 * @param reason the reason, such as "driver 525.60 &lt; 580 (Linux minimum)"
 */
record Verdict(boolean accepted, String reason) {
    static Verdict accept(String reason) {
        return new Verdict(true, reason);
    }

    static Verdict refuse(String reason) {
        return new Verdict(false, reason);
    }
}
