package dev.isoenv.cuda.verify;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the verification script printed about the installed torch: lines {@code isoenv-torch-KEY=VALUE} for
 * {@code version}, {@code cuda}, {@code hip}, {@code cuda-available} and {@code error}. An empty value stands
 * for Python's {@code None}.
 */
final class TorchReport {
    static final String PREFIX = "isoenv-torch-";

    private final Map<String, String> values;

    private TorchReport(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    static TorchReport parse(String stdout) {
        Map<String, String> values = new HashMap<>();
        for (String line : stdout.split("\r?\n")) {
            if (line.startsWith(PREFIX)) {
                int eq = line.indexOf('=');
                if (eq > PREFIX.length()) {
                    values.put(line.substring(PREFIX.length(), eq), line.substring(eq + 1).strip());
                }
            }
        }
        return new TorchReport(values);
    }

    Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() || v.equals("None") ? Optional.empty() : Optional.of(v);
    }

    Optional<String> version() {
        return get("version");
    }

    Optional<String> cuda() {
        return get("cuda");
    }

    Optional<String> hip() {
        return get("hip");
    }

    Optional<String> error() {
        return get("error");
    }

    /** Describes what was found, such as "2.5.1+cpu (no CUDA or HIP)". */
    String describe() {
        String build = cuda().map(c -> "CUDA " + c).orElse(hip().map(h -> "HIP " + h).orElse("no CUDA or HIP"));
        return version().orElse("an unknown version") + " (" + build + ")";
    }
}
