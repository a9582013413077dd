package dev.isoenv.testing.dist;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Python core metadata, version 2.1: the text of a wheel's {@code METADATA} file and of an sdist's
 * {@code PKG-INFO}. Instances are immutable; the {@code with...} methods return changed copies.
 */
public final class CoreMetadata {
    /** The metadata version written, {@value}. */
    public static final String METADATA_VERSION = "2.1";

    private final String name;
    private final String version;
    private final String summary;
    private final String requiresPython;
    private final List<String> requirements;
    private final List<String> extras;

    private CoreMetadata(String name, String version, String summary, String requiresPython,
                         List<String> requirements, List<String> extras) {
        this.name = name;
        this.version = version;
        this.summary = summary;
        this.requiresPython = requiresPython;
        this.requirements = List.copyOf(requirements);
        this.extras = List.copyOf(extras);
    }

    /**
     * Starts metadata for a distribution.
     *
     * @param name a valid distribution name, kept as written
     * @param version a normalized PEP 440 version
     * @return metadata with no summary, requirements or extras
     */
    public static CoreMetadata of(String name, String version) {
        return new CoreMetadata(ProjectNames.requireValid(name), Versions.requireNormalized(version), null, null,
                List.of(), List.of());
    }

    /**
     * Returns a copy with a one-line summary.
     *
     * @param text the summary, without line breaks
     * @return the changed copy
     */
    public CoreMetadata withSummary(String text) {
        return new CoreMetadata(name, version, singleLine(text, "summary"), requiresPython, requirements,
                extras);
    }

    /**
     * Returns a copy with a {@code Requires-Python} specifier, e.g. {@code >=3.8}.
     *
     * @param specifier the specifier
     * @return the changed copy
     */
    public CoreMetadata withRequiresPython(String specifier) {
        return new CoreMetadata(name, version, summary, singleLine(specifier, "requires-python"), requirements,
                extras);
    }

    /**
     * Returns a copy with one more {@code Requires-Dist} line, a PEP 508 requirement such as
     * {@code isoenv-demo-hello>=1.0,<2.0} or {@code rich[jupyter]>=13; python_version >= "3.8"}.
     *
     * @param requirement the requirement
     * @return the changed copy
     */
    public CoreMetadata withRequirement(String requirement) {
        List<String> more = new ArrayList<>(requirements);
        more.add(singleLine(requirement, "requirement"));
        return new CoreMetadata(name, version, summary, requiresPython, more, extras);
    }

    /**
     * Returns a copy with one more {@code Provides-Extra} line; an extra already present is kept once.
     *
     * @param extra the extra's name
     * @return the changed copy
     */
    public CoreMetadata withExtra(String extra) {
        Set<String> more = new LinkedHashSet<>(extras);
        more.add(ProjectNames.normalize(ProjectNames.requireValid(extra)));
        return new CoreMetadata(name, version, summary, requiresPython, requirements, List.copyOf(more));
    }

    /**
     * Returns the distribution name as written.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the version.
     *
     * @return the version
     */
    public String version() {
        return version;
    }

    /**
     * Returns the {@code Requires-Python} specifier, if any.
     *
     * @return the specifier
     */
    public Optional<String> requiresPython() {
        return Optional.ofNullable(requiresPython);
    }

    /**
     * Returns the {@code Requires-Dist} requirements, in order.
     *
     * @return the requirements
     */
    public List<String> requirements() {
        return requirements;
    }

    /**
     * Returns the extras, in the order they were added.
     *
     * @return the extras
     */
    public List<String> extras() {
        return extras;
    }

    /**
     * Renders the metadata as RFC 822-style header lines, ending with a blank line.
     *
     * @return the text of {@code METADATA} or {@code PKG-INFO}
     */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("Metadata-Version: ").append(METADATA_VERSION).append('\n');
        text.append("Name: ").append(name).append('\n');
        text.append("Version: ").append(version).append('\n');
        if (summary != null) {
            text.append("Summary: ").append(summary).append('\n');
        }
        if (requiresPython != null) {
            text.append("Requires-Python: ").append(requiresPython).append('\n');
        }
        for (String extra : extras) {
            text.append("Provides-Extra: ").append(extra).append('\n');
        }
        for (String requirement : requirements) {
            text.append("Requires-Dist: ").append(requirement).append('\n');
        }
        return text.append('\n').toString();
    }

    private static String singleLine(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException(what + " must be one non-blank line: '" + value + "'");
        }
        return value.strip();
    }
}
