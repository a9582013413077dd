package dev.isoenv.internal.ensure;

import com.google.common.hash.Hashing;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.spi.InstallPlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The fingerprint of what an environment should contain: its requirements and constraints (in any order), its
 * indexes, whether machine configuration applies, its installer arguments (in order), and what the plan adds, such
 * as the chosen PyTorch variant.
 *
 * <p>It is built from explicit canonical forms, never from {@code toString()}, so that rewording a message can
 * never change a fingerprint, and equal specifications written differently ({@code Foo_Bar>=1,<2} and
 * {@code foo-bar<2, >=1}) have the same one. Credentials are masked before hashing, so rotating an index token does
 * not count as a change. Where the environment lives, its backend, its Python and its pip option are not part of
 * it: those are checked separately, because changing them means a rebuild rather than an incremental install.
 *
 * <p>The warm path builds the {@link #content canonical text} at every program start, so it is written without
 * lambdas, each of which would cost a fresh JVM a generated class.
 */
final class SpecFingerprint {
    private static final String FORMAT = "isoenv-fingerprint-2";

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

    /** The canonical text that is hashed; visible for tests. */
    static String content(EnvironmentSpec spec) {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        for (String r : canonical(spec.requirements())) {
            b.append("requirement=").append(r).append('\n');
        }
        for (String c : canonical(spec.constraints())) {
            b.append("constraint=").append(c).append('\n');
        }
        b.append(canonical(spec.indexes()));
        if (!spec.condaPackages().isEmpty()) {
            for (String p : new TreeSet<>(spec.condaPackages())) {
                b.append("conda-package=").append(p).append('\n');
            }
            for (String c : spec.condaChannels()) {
                b.append("conda-channel=").append(url(c)).append('\n');
            }
        }
        b.append("machine-configuration=").append(spec.inheritsMachineConfiguration()).append('\n');
        // Only when there are any, so that the fingerprints of existing environments do not change. Their order is
        // kept: a later --no-binary overrides an earlier --only-binary for the same names.
        for (dev.isoenv.InstallerArgument a : spec.installerArguments()) {
            b.append("installer-argument=").append(a.kind().option());
            if (a.value().isPresent()) {
                b.append('=').append(dev.isoenv.internal.process.Redactor.maskUrlCredentials(a.value().get()));
            }
            b.append('\n');
        }
        // Only with a lock, for the same reason: its file's digest, so that a changed lock installs again.
        if (spec.lockFile().isPresent()) {
            b.append("lock=").append(spec.lockFile().get().sha256()).append('\n');
        }
        return b.toString();
    }

    /** A requirement's canonical form: normalized name, sorted extras, sorted specifier clauses, URL, marker. */
    static String canonical(Requirement r) {
        StringBuilder b = new StringBuilder(r.normalizedName());
        TreeSet<String> extras = new TreeSet<>();
        for (String e : r.extras()) {
            extras.add(Requirement.normalize(e));
        }
        b.append('[').append(String.join(",", extras)).append(']');
        TreeSet<String> clauses = new TreeSet<>();
        for (String clause : r.specifier().split(",")) {
            String c = clause.replaceAll("\\s+", "");
            if (!c.isEmpty()) {
                clauses.add(c);
            }
        }
        b.append('(').append(String.join(",", clauses)).append(')');
        if (r.url().isPresent()) {
            b.append(" @ ").append(dev.isoenv.internal.process.Redactor.maskUrlCredentials(r.url().get()));
        }
        if (r.marker().isPresent()) {
            b.append(" ; ").append(r.marker().get().strip().replaceAll("\\s+", " "));
        }
        return b.toString();
    }

    private static List<String> canonical(List<Requirement> requirements) {
        List<String> texts = new ArrayList<>();
        for (Requirement r : requirements) {
            texts.add(canonical(r));
        }
        texts.sort(null);
        return texts;
    }

    /** The indexes' canonical form, with credentials masked; order of extra indexes and find-links is kept. */
    private static String canonical(PackageIndexes indexes) {
        StringBuilder b = new StringBuilder();
        b.append("index-url=").append(indexes.indexUrl().isPresent() ? url(indexes.indexUrl().get()) : "")
                .append('\n');
        for (String u : indexes.extraIndexUrls()) {
            b.append("extra-index-url=").append(url(u)).append('\n');
        }
        for (String u : indexes.findLinks()) {
            b.append("find-links=").append(url(u)).append('\n');
        }
        b.append("exclusive=").append(indexes.isExclusive()).append('\n');
        return b.toString();
    }

    private static String url(String url) {
        String masked = dev.isoenv.internal.process.Redactor.maskUrlCredentials(url);
        int scheme = masked.indexOf("://");
        if (scheme < 0) {
            return masked;
        }
        int hostEnd = masked.indexOf('/', scheme + 3);
        hostEnd = hostEnd < 0 ? masked.length() : hostEnd;
        // Scheme and host are case-insensitive; the path is not.
        return masked.substring(0, hostEnd).toLowerCase(Locale.ROOT) + masked.substring(hostEnd);
    }

    private static String hash(String text) {
        return Hashing.sha256().hashString(text, StandardCharsets.UTF_8).toString();
    }
}
