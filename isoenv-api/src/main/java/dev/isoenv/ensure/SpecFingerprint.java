package dev.isoenv.ensure;

import com.google.common.hash.Hashing;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Requirement;
import dev.isoenv.spi.InstallPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fingerprint of what an environment should contain: its requirements and constraints (in any order),
 * its indexes, whether machine configuration applies, and what the plan adds, such as the chosen PyTorch
 * variant. Credentials are masked before hashing, so rotating an index token does not count as a change.
 * Where the environment lives, its backend and its Python are not part of it: those are checked separately,
 * because changing them means a rebuild rather than an incremental install.
 */
final class SpecFingerprint {
    private SpecFingerprint() {
    }

    /** The fingerprint of the specification and the plan together: what the environment must contain. */
    static String of(EnvironmentSpec spec, InstallPlan plan) {
        return hash(content(spec) + "plan=" + plan.fingerprint() + "\n");
    }

    /** The fingerprint of the specification alone, without what the plan adds (such as a PyTorch variant). */
    static String ofSpec(EnvironmentSpec spec) {
        return hash(content(spec));
    }

    private static String content(EnvironmentSpec spec) {
        StringBuilder b = new StringBuilder("isoenv-fingerprint-1\n");
        b.append("requirements=").append(sorted(spec.requirements())).append('\n');
        b.append("constraints=").append(sorted(spec.constraints())).append('\n');
        b.append("indexes=").append(spec.indexes()).append('\n');
        b.append("machineConfiguration=").append(spec.inheritsMachineConfiguration()).append('\n');
        return b.toString();
    }

    private static String hash(String text) {
        return Hashing.sha256().hashString(text, StandardCharsets.UTF_8).toString();
    }

    private static List<String> sorted(List<Requirement> requirements) {
        List<String> texts = new ArrayList<>();
        for (Requirement r : requirements) {
            texts.add(r.toString());
        }
        texts.sort(null);
        return texts;
    }
}
