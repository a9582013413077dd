package dev.isoenv.internal.pip;

import dev.isoenv.InstalledDistribution;
import dev.isoenv.InstallerArgument;
import dev.isoenv.PackageIndexes;
import dev.isoenv.Requirement;
import dev.isoenv.internal.metadata.DistributionScanner;
import dev.isoenv.internal.version.Version;
import dev.isoenv.spi.EnvironmentLayout;
import dev.isoenv.spi.OperatingSystem;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds pip command lines and their environment variables.
 *
 * <ul>
 *   <li>Requirements come after {@code --}, so none can ever be read as an option.</li>
 *   <li>The specification's {@link InstallerArgument installer arguments}, vetted and typed, each as one argument in
 *       pip's spelling ({@code --only-binary=:all:}); pip has every one of them.</li>
 *   <li>{@code --no-input} and {@code --disable-pip-version-check} always: pip runs without a terminal.</li>
 *   <li>{@code --progress-bar raw} for pip 24.1 and newer, which then prints {@code Progress <done> of <total>}
 *       lines that {@link PipProgressParser} reads; {@code --progress-bar off} for older pips, which have no such
 *       mode.</li>
 *   <li>Indexes go in {@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL} and {@code PIP_FIND_LINKS}, which replace
 *       the machine's setting of the same kind and keep credentials off the command line. Exclusive indexes set all
 *       three; a single space is how pip's configuration is told "none" for a list.</li>
 *   <li>Without machine configuration, every inherited {@code PIP_*} variable is dropped and
 *       {@code PIP_CONFIG_FILE} points at the null device, which makes pip skip every configuration file.</li>
 * </ul>
 */
final class PipCommands {
    /** pip reads an empty value as "unset"; a blank one as an empty list. */
    private static final String EMPTY_LIST = " ";

    /** The first pip with {@code install --report}. */
    static final Version REPORT = Version.parse("22.2");

    /** The first pip that takes platform options with {@code --dry-run} alone, without {@code --target}. */
    static final Version DRY_RUN_FOR_PLATFORM = Version.parse("23.3");

    /** The first pip with {@code --progress-bar raw}. */
    static final Version RAW_PROGRESS_BAR = Version.parse("24.1");

    private PipCommands() {
    }

    /**
     * Tells whether the environment's pip has {@code --progress-bar raw}, reading its version from its metadata
     * without starting a process.
     *
     * @param env the environment
     * @return true for pip 24.1 or newer; false for an older pip, none, or unreadable metadata
     */
    static boolean hasRawProgressBar(EnvironmentLayout env) {
        return pipAtLeast(env, RAW_PROGRESS_BAR);
    }

    /**
     * Tells whether the environment's pip writes installation reports ({@code --report}), pip 22.2 and newer.
     *
     * @param env the environment
     * @return true if it does
     */
    static boolean hasReport(EnvironmentLayout env) {
        return pipAtLeast(env, REPORT);
    }

    /**
     * Tells whether the environment's pip resolves for another platform with {@code --dry-run} alone, pip 23.3 and
     * newer, seeing what is installed.
     *
     * @param env the environment
     * @return true if it does
     */
    static boolean resolvesForPlatformInPlace(EnvironmentLayout env) {
        return pipAtLeast(env, DRY_RUN_FOR_PLATFORM);
    }

    private static boolean pipAtLeast(EnvironmentLayout env, Version minimum) {
        try {
            for (InstalledDistribution d : DistributionScanner.scan(env.sitePackages())) {
                if (d.normalizedName().equals("pip")) {
                    return Version.isValid(d.version()) && Version.parse(d.version()).compareTo(minimum) >= 0;
                }
            }
        } catch (UncheckedIOException | IllegalArgumentException e) {
            // An unreadable site-packages: the plain mode every pip has.
        }
        return false;
    }

    /**
     * The install command of a lock's packages: {@code --require-hashes --no-deps}, the lock's files offered through
     * a page of links isoenv wrote ({@code --find-links}), and the exact versions with their hashes in a requirements
     * file isoenv wrote ({@code -r}). Both files are isoenv's and every value in them was checked when the lock was
     * read, so nothing from the lock becomes an option.
     */
    static List<String> installLocked(EnvironmentLayout env, Path requirementsFile, Path linksPage,
                                      boolean rawProgressBar, List<InstallerArgument> arguments, Path report) {
        List<String> command = base(env, "install", rawProgressBar ? "raw" : "off");
        command.add("--require-hashes");
        command.add("--no-deps");
        command.add("--find-links");
        command.add(linksPage.toString());
        if (report != null) {
            command.add("--report");
            command.add(report.toString());
        }
        for (InstallerArgument a : arguments) {
            command.add(a.commandLineArgument());
        }
        command.add("--requirement");
        command.add(requirementsFile.toString());
        return command;
    }

    static List<String> install(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                boolean rawProgressBar) {
        return install(env, requirements, constraintsFile, rawProgressBar, true, false, List.of());
    }

    static List<String> install(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                boolean rawProgressBar, List<InstallerArgument> arguments) {
        return install(env, requirements, constraintsFile, rawProgressBar, true, false, arguments);
    }

    static List<String> install(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                boolean rawProgressBar, boolean dependencies, boolean forceReinstall) {
        return install(env, requirements, constraintsFile, rawProgressBar, dependencies, forceReinstall, List.of());
    }

    /**
     * The install command; {@code --no-deps} for a step without dependencies, {@code --force-reinstall} for one
     * that replaces wrong builds (pip removes them only once the new ones are downloaded and rolls back a failed
     * install). Each installer argument is one command-line argument in pip's own spelling, its value joined with
     * {@code =} ({@code --config-settings=--build-option=--x} cannot be read as another option).
     */
    static List<String> install(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                boolean rawProgressBar, boolean dependencies, boolean forceReinstall,
                                List<InstallerArgument> arguments) {
        return install(env, requirements, constraintsFile, rawProgressBar, dependencies, forceReinstall, arguments,
                null);
    }

    /** The install command, with {@code --report FILE} (pip's JSON installation report) when {@code report} is given. */
    static List<String> install(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                boolean rawProgressBar, boolean dependencies, boolean forceReinstall,
                                List<InstallerArgument> arguments, Path report) {
        List<String> command = base(env, "install", rawProgressBar ? "raw" : "off");
        if (report != null) {
            command.add("--report");
            command.add(report.toString());
        }
        if (!dependencies) {
            command.add("--no-deps");
        }
        if (forceReinstall) {
            command.add("--force-reinstall");
        }
        for (InstallerArgument a : arguments) {
            command.add(a.commandLineArgument());
        }
        return finish(command, requirements, constraintsFile);
    }

    static List<String> resolve(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                Path report) {
        return resolve(env, requirements, constraintsFile, report, List.of());
    }

    /**
     * The resolve-only command: pip's {@code install --dry-run --report FILE} (pip 22.2 and newer), which writes
     * the resolution as JSON and changes nothing; with the installer arguments the real install gets, so that both
     * pick the same versions.
     */
    static List<String> resolve(EnvironmentLayout env, Collection<Requirement> requirements, Path constraintsFile,
                                Path report, List<InstallerArgument> arguments) {
        List<String> command = base(env, "install", "off");
        command.add("--dry-run");
        command.add("--quiet");
        command.add("--report");
        command.add(report.toString());
        for (InstallerArgument a : arguments) {
            command.add(a.commandLineArgument());
        }
        return finish(command, requirements, constraintsFile);
    }

    /**
     * pip's options that choose distributions for another platform: a {@code --platform} per wheel tag,
     * {@code --only-binary=:all:} (a source distribution would have to be built, and run, on the target),
     * {@code --implementation cp}, {@code --python-version X.Y} and {@code --abi cpXY}. pip accepts them only with
     * {@code --target} or {@code --dry-run}.
     *
     * @param platforms the target's wheel platform tags
     * @param pythonVersion the environment's Python version, such as {@code 3.11.7}
     */
    static List<String> targetOptions(List<String> platforms, String pythonVersion) {
        String[] parts = pythonVersion.split("\\.");
        if (parts.length < 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
            throw new IllegalArgumentException("not a Python version: " + pythonVersion);
        }
        List<String> options = new ArrayList<>();
        for (String platform : platforms) {
            options.add("--platform");
            options.add(platform);
        }
        options.add("--only-binary=:all:");
        options.add("--implementation");
        options.add("cp");
        options.add("--python-version");
        options.add(parts[0] + "." + parts[1]);
        options.add("--abi");
        options.add("cp" + parts[0] + parts[1]);
        return options;
    }

    /**
     * The resolve-only command for another platform: {@link #resolve} with the {@link #targetOptions}, which pip 23.3
     * and newer accept with {@code --dry-run}, installed distributions counting as for a local resolution; older pips
     * (22.2 to 23.2) accept them only with {@code --target}, given as {@code scratchTarget} (nothing is written
     * there), and then resolve as if nothing were installed.
     */
    static List<String> resolveForTarget(EnvironmentLayout env, Collection<Requirement> requirements,
                                         Path constraintsFile, Path report, List<InstallerArgument> arguments,
                                         List<String> targetOptions, Path scratchTarget) {
        List<String> command = base(env, "install", "off");
        command.add("--dry-run");
        command.add("--quiet");
        command.add("--report");
        command.add(report.toString());
        command.addAll(targetOptions);
        if (scratchTarget != null) {
            command.add("--target");
            command.add(scratchTarget.toString());
        }
        for (InstallerArgument a : arguments) {
            command.add(a.commandLineArgument());
        }
        return finish(command, requirements, constraintsFile);
    }

    /**
     * The install command for another platform: exactly the given distributions, without dependencies (they were
     * resolved before), with the {@link #targetOptions} into {@code --target} an empty scratch folder (isoenv moves
     * its files into the environment: pip's {@code --target --upgrade} would delete whole folders of the same name).
     */
    static List<String> installForTarget(EnvironmentLayout env, Collection<Requirement> requirements,
                                         Path constraintsFile, boolean rawProgressBar,
                                         List<InstallerArgument> arguments, List<String> targetOptions,
                                         Path scratchTarget, Path report) {
        List<String> command = base(env, "install", rawProgressBar ? "raw" : "off");
        if (report != null) {
            command.add("--report");
            command.add(report.toString());
        }
        command.add("--no-deps");
        command.addAll(targetOptions);
        command.add("--target");
        command.add(scratchTarget.toString());
        for (InstallerArgument a : arguments) {
            command.add(a.commandLineArgument());
        }
        return finish(command, requirements, constraintsFile);
    }

    private static List<String> finish(List<String> command, Collection<Requirement> requirements,
                                       Path constraintsFile) {
        if (constraintsFile != null) {
            command.add("--constraint");
            command.add(constraintsFile.toString());
        }
        command.add("--");
        for (Requirement r : requirements) {
            command.add(r.installerArgument());
        }
        return command;
    }

    static List<String> uninstall(EnvironmentLayout env, Collection<String> distributions) {
        List<String> command = base(env, "uninstall", null);
        command.add("--yes");
        command.add("--");
        command.addAll(distributions);
        return command;
    }

    private static List<String> base(EnvironmentLayout env, String subcommand, String progressBar) {
        List<String> command = new ArrayList<>();
        command.add(env.python().toString());
        command.add("-m");
        command.add("pip");
        command.add(subcommand);
        command.add("--no-input");
        if (progressBar != null) {
            command.add("--progress-bar");
            command.add(progressBar);
        }
        command.add("--disable-pip-version-check");
        return command;
    }

    static Map<String, String> environment(EnvironmentLayout env, PackageIndexes indexes, boolean machineConfiguration,
                                           Map<String, String> processEnvironment) {
        OperatingSystem os = env.operatingSystem();
        Map<String, String> vars = env.activate(processEnvironment);
        if (!machineConfiguration) {
            vars.keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("PIP_"));
            vars.put("PIP_CONFIG_FILE", os.isWindows() ? "nul" : "/dev/null");
        }
        vars.put("PYTHONNOUSERSITE", "1");
        if (indexes.isExclusive()) {
            remove(vars, os, "PIP_NO_INDEX");
            if (indexes.indexUrl().isPresent()) {
                put(vars, os, "PIP_INDEX_URL", indexes.indexUrl().get());
            } else {
                put(vars, os, "PIP_NO_INDEX", "1");
            }
            put(vars, os, "PIP_EXTRA_INDEX_URL", join(indexes.extraIndexUrls()));
            put(vars, os, "PIP_FIND_LINKS", join(indexes.findLinks()));
        } else {
            if (indexes.indexUrl().isPresent()) {
                remove(vars, os, "PIP_NO_INDEX");
                put(vars, os, "PIP_INDEX_URL", indexes.indexUrl().get());
            }
            if (!indexes.extraIndexUrls().isEmpty()) {
                put(vars, os, "PIP_EXTRA_INDEX_URL", join(indexes.extraIndexUrls()));
            }
            if (!indexes.findLinks().isEmpty()) {
                put(vars, os, "PIP_FIND_LINKS", join(indexes.findLinks()));
            }
        }
        return vars;
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? EMPTY_LIST : String.join(" ", values);
    }

    private static void put(Map<String, String> vars, OperatingSystem os, String name, String value) {
        remove(vars, os, name);
        vars.put(name, value);
    }

    private static void remove(Map<String, String> vars, OperatingSystem os, String name) {
        String key = os.variableKey(vars, name);
        if (key != null) {
            vars.remove(key);
        }
    }
}
