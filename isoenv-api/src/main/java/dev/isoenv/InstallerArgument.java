package dev.isoenv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One extra installer argument from a vetted list, such as {@code --pre} or {@code --only-binary=:all:}: typed, never
 * free text, so that no string in a specification can become an unvetted command-line option. Each backend maps an
 * argument to its own installer (pip, uv) or refuses it with the reason before anything is changed; the arguments are
 * part of the environment's fingerprint, so changing them installs again.
 *
 * <pre>{@code
 * EnvironmentSpec.builder(Path.of("envs", "tool"))
 *         .requirement("some-tool")
 *         .installerArgument(InstallerArgument.onlyBinary(":all:"))
 *         .installerArguments("--pre", "--config-settings=editable_mode=compat")
 *         .build();
 * }</pre>
 *
 * <p>The arguments apply to the Python requirements; a conda backend's conda packages are not installed by pip.
 *
 * <p>The distribution names of {@code --only-binary} and {@code --no-binary} are kept normalized, sorted and without
 * duplicates, so that {@code onlyBinary("b", "a")} equals {@code onlyBinary("a", "b")} and has the same fingerprint;
 * {@code :all:} and {@code :none:} stay where they were given, since pip reads them in order. {@link #toString()}
 * masks credentials in URLs (a config setting may carry one); {@link #commandLineArgument()} keeps them, for the
 * installer's command line only.
 */
public final class InstallerArgument {
    /**
     * The vetted kinds, each with its pip spelling. More constants may be added in later versions: switch with a
     * default branch, and a backend refuses in {@link dev.isoenv.spi.Installer#cannotApply} every kind it does not
     * know.
     */
    public enum Kind {
        /** {@code --pre}: pre-release and development versions may be chosen. */
        PRE("--pre", false),
        /** {@code --use-pep517}: build source distributions through PEP 517 hooks, never {@code setup.py install}. */
        USE_PEP517("--use-pep517", false),
        /** {@code --no-build-isolation}: builds see the environment's installed packages instead of a fresh one. */
        NO_BUILD_ISOLATION("--no-build-isolation", false),
        /** {@code --prefer-binary}: an older wheel is preferred to a newer source distribution. */
        PREFER_BINARY("--prefer-binary", false),
        /** {@code --only-binary=NAMES}: wheels only, for {@code :all:} or the named distributions. */
        ONLY_BINARY("--only-binary", true),
        /** {@code --no-binary=NAMES}: build from source, for {@code :all:} or the named distributions. */
        NO_BINARY("--no-binary", true),
        /** {@code --config-settings=KEY=VALUE}: a setting handed to the PEP 517 build backend. */
        CONFIG_SETTINGS("--config-settings", true);

        private final String option;
        private final boolean valued;

        Kind(String option, boolean valued) {
            this.option = option;
            this.valued = valued;
        }

        /**
         * Returns the option as pip spells it, such as {@code --only-binary}.
         *
         * @return the option
         */
        public String option() {
            return option;
        }

        /**
         * Tells whether the option takes a value.
         *
         * @return true for {@code --only-binary}, {@code --no-binary} and {@code --config-settings}
         */
        public boolean takesValue() {
            return valued;
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern SETTING_KEY = Pattern.compile("-{0,2}[A-Za-z0-9_][A-Za-z0-9_.:-]*");

    private final Kind kind;
    private final String value;

    private InstallerArgument(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * {@code --pre}.
     *
     * @return the argument
     */
    public static InstallerArgument pre() {
        return new InstallerArgument(Kind.PRE, null);
    }

    /**
     * {@code --use-pep517}.
     *
     * @return the argument
     */
    public static InstallerArgument usePep517() {
        return new InstallerArgument(Kind.USE_PEP517, null);
    }

    /**
     * {@code --no-build-isolation}.
     *
     * @return the argument
     */
    public static InstallerArgument noBuildIsolation() {
        return new InstallerArgument(Kind.NO_BUILD_ISOLATION, null);
    }

    /**
     * {@code --prefer-binary}.
     *
     * @return the argument
     */
    public static InstallerArgument preferBinary() {
        return new InstallerArgument(Kind.PREFER_BINARY, null);
    }

    /**
     * {@code --only-binary=...}: wheels only.
     *
     * @param distributions {@code :all:}, {@code :none:}, or distribution names
     * @return the argument
     * @throws InvalidSpecException if a name is not a distribution name
     */
    public static InstallerArgument onlyBinary(String... distributions) {
        return new InstallerArgument(Kind.ONLY_BINARY, names(Kind.ONLY_BINARY, distributions));
    }

    /**
     * {@code --no-binary=...}: build from source.
     *
     * @param distributions {@code :all:}, {@code :none:}, or distribution names
     * @return the argument
     * @throws InvalidSpecException if a name is not a distribution name
     */
    public static InstallerArgument noBinary(String... distributions) {
        return new InstallerArgument(Kind.NO_BINARY, names(Kind.NO_BINARY, distributions));
    }

    /**
     * {@code --config-settings=KEY=VALUE}, handed to the build backend of each source distribution built.
     *
     * @param key the setting, such as {@code editable_mode} or {@code --build-option}
     * @param value its value, one line
     * @return the argument
     * @throws InvalidSpecException if the key is not a setting name or the value has a line break
     */
    public static InstallerArgument configSetting(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (!SETTING_KEY.matcher(key).matches()) {
            throw new InvalidSpecException("'" + excerpt(key) + "' is not a config setting name isoenv accepts: letters,"
                    + " digits, '_', '.', ':' and '-', optionally after one or two dashes, such as editable_mode or"
                    + " --build-option.");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new InvalidSpecException("The value of config setting " + key + " has a line break or a NUL"
                    + " character; give a single line.");
        }
        return new InstallerArgument(Kind.CONFIG_SETTINGS, key + "=" + value);
    }

    /**
     * Reads one argument as pip writes it, such as {@code --pre}, {@code --only-binary=:all:} or
     * {@code --config-settings=editable_mode=compat}. The value is joined with {@code =}: an option and its value
     * are one argument.
     *
     * @param argument the argument
     * @return the argument
     * @throws InvalidSpecException if it is not on the vetted list, or its value is not valid; the message lists the
     *     arguments isoenv accepts
     */
    public static InstallerArgument parse(String argument) {
        String text = Objects.requireNonNull(argument, "argument").strip();
        int eq = text.indexOf('=');
        String option = (eq < 0 ? text : text.substring(0, eq)).toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (!k.option.equals(option) && !(k == Kind.CONFIG_SETTINGS && option.equals("--config-setting"))) {
                continue;
            }
            if (k.valued != (eq >= 0)) {
                throw new InvalidSpecException("The installer argument '" + excerpt(argument) + "' " + (k.valued
                        ? "needs a value joined with '=', such as " + example(k) : "takes no value; write " + k.option)
                        + ".");
            }
            String v = eq < 0 ? null : text.substring(eq + 1);
            switch (k) {
                case ONLY_BINARY:
                    return onlyBinary(v.split(",", -1));
                case NO_BINARY:
                    return noBinary(v.split(",", -1));
                case CONFIG_SETTINGS:
                    int sep = v.indexOf('=');
                    if (sep < 0) {
                        throw new InvalidSpecException("The installer argument '" + excerpt(argument) + "' needs"
                                + " KEY=VALUE after --config-settings=, such as " + example(k) + ".");
                    }
                    return configSetting(v.substring(0, sep), v.substring(sep + 1));
                default:
                    return new InstallerArgument(k, null);
            }
        }
        throw new InvalidSpecException("The installer argument '" + excerpt(argument) + "' is not one isoenv accepts."
                + " The vetted arguments are: " + allowed() + ". isoenv sets indexes, constraints and targets itself:"
                + " use PackageIndexes and EnvironmentSpec.Builder.constraint for those.");
    }

    /**
     * Returns the vetted arguments, as they are written, for messages.
     *
     * @return such as {@code --pre, --use-pep517, ..., --config-settings=KEY=VALUE}
     */
    public static String allowed() {
        List<String> all = new ArrayList<>();
        for (Kind k : Kind.values()) {
            all.add(k.valued ? k.option + (k == Kind.CONFIG_SETTINGS ? "=KEY=VALUE" : "=:all:|:none:|NAME,...")
                    : k.option);
        }
        return String.join(", ", all);
    }

    /**
     * Returns the kind.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the value: the comma-separated names of {@code --only-binary} and {@code --no-binary}, the
     * {@code KEY=VALUE} of {@code --config-settings}.
     *
     * @return the value, empty for an option without one
     */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /**
     * Returns the distribution names of {@code --only-binary} or {@code --no-binary}: normalized, sorted and without
     * duplicates between {@code :all:} and {@code :none:}, which stay where they were given.
     *
     * @return the names ({@code :all:} and {@code :none:} as they are); empty for other kinds
     */
    public List<String> distributions() {
        return kind == Kind.ONLY_BINARY || kind == Kind.NO_BINARY ? List.of(value.split(",")) : List.of();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstallerArgument && ((InstallerArgument) o).kind == kind
                && Objects.equals(((InstallerArgument) o).value, value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, value);
    }

    /**
     * Returns the argument as pip writes it, as one command-line argument, such as {@code --only-binary=:all:}.
     * Unlike {@link #toString()}, it keeps the credentials of a URL in a config setting, so it must never be logged.
     *
     * @return the argument, for the installer's command line
     */
    public String commandLineArgument() {
        return value == null ? kind.option : kind.option + "=" + value;
    }

    /**
     * Returns the argument as pip writes it, such as {@code --only-binary=:all:}, with the credentials of any URL in
     * it masked ({@code https://****@host}), for messages and logs.
     */
    @Override
    public String toString() {
        return dev.isoenv.internal.process.Redactor.maskUrlCredentials(commandLineArgument());
    }

    private static String names(Kind kind, String... distributions) {
        if (distributions.length == 0) {
            throw new InvalidSpecException(kind.option + " needs :all:, :none: or at least one distribution name.");
        }
        // pip reads the list in order: :all: and :none: act where they stand, and between them each name is added
        // on its own, so sorting the names between them and dropping repeats changes nothing.
        List<String> names = new ArrayList<>();
        java.util.TreeSet<String> run = new java.util.TreeSet<>();
        for (String d : distributions) {
            String n = Objects.requireNonNull(d, "distribution").strip();
            boolean special = n.equals(":all:") || n.equals(":none:");
            if (!special && !NAME.matcher(n).matches()) {
                throw new InvalidSpecException("'" + excerpt(d) + "' is not a distribution name for " + kind.option
                        + ": give :all:, :none: or project names such as numpy.");
            }
            if (special) {
                names.addAll(run);
                run.clear();
                names.add(n);
            } else {
                run.add(Requirement.normalize(n));
            }
        }
        names.addAll(run);
        return String.join(",", names);
    }

    private static String example(Kind k) {
        return k == Kind.CONFIG_SETTINGS ? "--config-settings=editable_mode=compat" : k.option + "=:all:";
    }

    private static String excerpt(String text) {
        return dev.isoenv.internal.process.Redactor.excerpt(text);
    }
}
