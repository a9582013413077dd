package dev.isoenv.internal.metadata;

import dev.isoenv.Requirement;
import dev.isoenv.internal.version.Version;
import dev.isoenv.internal.version.VersionSpecifiers;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Splits an install step's requirements into those the environment already satisfies and the delta, in Java from
 * the installed metadata, so that only the delta is handed to the installer.
 *
 * <p>A requirement is satisfied when its distribution is installed at a version its specifier accepts, and so is
 * every distribution it needs, directly or through dependencies, with extras and markers followed as
 * {@link DependencyClosure} follows them; every installed version in that closure must also satisfy the step's
 * constraints. Anything that cannot be decided counts as not satisfied and goes to the installer, as it did before:
 * a direct URL, an unparsable specifier or version, unreadable or duplicated metadata. An installer given every
 * requirement would leave a satisfied one as it is (no installer isoenv drives upgrades what is satisfied), so
 * leaving it out changes nothing.
 *
 * <p>What the satisfied requirements need is handed along as constraints ({@link Delta#keep()}): each satisfied
 * requirement's specifier and each dependency specifier in its closure. The installer then resolves the delta as
 * if the whole step were resolved together with the installed distributions held to what they need: it may
 * upgrade a shared dependency only within what every installed distribution accepts.
 */
public final class InstalledRequirements {
    private InstalledRequirements() {
    }

    /** The result: what to install, and the constraints that keep what is already satisfied intact. */
    public static final class Delta {
        private final List<Requirement> missing;
        private final List<Requirement> keep;

        Delta(List<Requirement> missing, List<Requirement> keep) {
            this.missing = List.copyOf(missing);
            this.keep = List.copyOf(keep);
        }

        /**
         * Returns the requirements the environment does not satisfy, in the step's order.
         *
         * @return the delta; empty when everything is satisfied
         */
        public List<Requirement> missing() {
            return missing;
        }

        /**
         * Returns constraints (name and specifier only) that the satisfied requirements and their installed
         * dependencies need.
         *
         * @return the constraints, without duplicates
         */
        public List<Requirement> keep() {
            return keep;
        }
    }

    /**
     * Computes the delta of a step.
     *
     * @param sitePackages the environment's site-packages directory
     * @param requirements the step's requirements
     * @param constraints the step's constraints
     * @param markers the interpreter's marker environment; an empty map makes every marker count as true
     * @return the delta; every requirement is missing when site-packages cannot be read
     */
    public static Delta of(Path sitePackages, Collection<Requirement> requirements,
                           Collection<Requirement> constraints, Map<String, String> markers) {
        Map<String, String> versions = new HashMap<>();
        Map<String, List<String>> requires;
        try {
            requires = DependencyClosure.readRequires(sitePackages, versions);
        } catch (RuntimeException e) {
            return new Delta(new ArrayList<>(requirements), List.of());
        }
        Map<String, List<VersionSpecifiers>> limits = new HashMap<>();
        boolean constraintsKnown = true;
        for (Requirement c : constraints) {
            if (c.marker().isPresent() && !DependencyClosure.wanted(c.marker().get(), Set.of(), markers)) {
                continue;
            }
            Optional<VersionSpecifiers> s = specifiers(c.url().isPresent() ? null : c.specifier());
            if (s.isEmpty()) {
                constraintsKnown = false;
                break;
            }
            limits.computeIfAbsent(c.normalizedName(), k -> new ArrayList<>()).add(s.get());
        }
        List<Requirement> missing = new ArrayList<>();
        Set<String> keep = new LinkedHashSet<>();
        for (Requirement r : requirements) {
            if (r.marker().isPresent() && !DependencyClosure.wanted(r.marker().get(), Set.of(), markers)) {
                continue; // Not for this interpreter: the installer would ignore it too.
            }
            Set<String> needs = new LinkedHashSet<>();
            if (constraintsKnown && r.url().isEmpty()
                    && satisfied(r, requires, versions, limits, markers, needs)) {
                keep.addAll(needs);
            } else {
                missing.add(r);
            }
        }
        List<Requirement> kept = new ArrayList<>();
        if (!missing.isEmpty()) {
            for (String text : keep) {
                kept.add(Requirement.parse(text));
            }
        }
        return new Delta(missing, kept);
    }

    /** Walks a requirement's closure; collects {@code name specifier} texts into {@code needs} as it goes. */
    private static boolean satisfied(Requirement root, Map<String, List<String>> requires, Map<String, String> versions,
                                     Map<String, List<VersionSpecifiers>> limits, Map<String, String> markers,
                                     Set<String> needs) {
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root.normalizedName(), DependencyClosure.normalized(root.extras()),
                root.specifier()});
        Set<String> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            Object[] node = stack.pop();
            String name = (String) node[0];
            @SuppressWarnings("unchecked")
            Set<String> extras = (Set<String>) node[1];
            String specifier = (String) node[2];
            List<String> dependencies = requires.get(name);
            String installed = versions.get(name);
            if (dependencies == null || dependencies == DependencyClosure.UNREADABLE || installed == null
                    || !Version.isValid(installed)) {
                return false;
            }
            Version version = Version.parse(installed);
            Optional<VersionSpecifiers> wanted = specifiers(specifier);
            if (wanted.isEmpty() || !wanted.get().contains(version)) {
                return false;
            }
            if (!wanted.get().isEmpty()) {
                needs.add(name + wanted.get());
            }
            if (!seen.add(name + extras)) {
                continue;
            }
            for (VersionSpecifiers limit : limits.getOrDefault(name, List.of())) {
                if (!limit.contains(version)) {
                    return false;
                }
            }
            for (String text : dependencies) {
                Optional<DependencyClosure.Dependency> d = DependencyClosure.Dependency.parse(text);
                if (d.isEmpty()) {
                    return false;
                }
                if (d.get().marker == null || DependencyClosure.wanted(d.get().marker, extras, markers)) {
                    stack.push(new Object[] {d.get().name, d.get().extras, d.get().rest});
                }
            }
        }
        return true;
    }

    /** Parses a specifier set, in or out of parentheses; empty for a URL or anything unparsable. */
    private static Optional<VersionSpecifiers> specifiers(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.startsWith("(") && s.endsWith(")")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.startsWith("@")) {
            return Optional.empty();
        }
        try {
            return Optional.of(VersionSpecifiers.parse(s));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
