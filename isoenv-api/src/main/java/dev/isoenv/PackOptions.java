package dev.isoenv;

/**
 * How {@link Environment#pack(java.nio.file.Path, PackOptions)} writes an environment: for now, whether the archive bundles the
 * Python interpreter the environment runs on.
 *
 * <pre>{@code
 * // Workers need no Python of their own: the archive holds the base installation too.
 * env.pack(Path.of("tool-env.tar.gz"), PackOptions.builder().bundleInterpreter(true).build());
 * }</pre>
 *
 * <p>A value: immutable, and two options are equal when every getter returns equal values.
 */
public final class PackOptions {
    private static final PackOptions DEFAULTS = builder().build();

    private final boolean bundleInterpreter;

    private PackOptions(Builder b) {
        this.bundleInterpreter = b.bundleInterpreter;
    }

    /**
     * Returns the defaults, which {@link Environment#pack(java.nio.file.Path)} uses: the interpreter is not bundled.
     *
     * @return the default options
     */
    public static PackOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns whether the archive holds the base Python installation. When false (the default) the archive is the
     * virtual environment alone, and every machine that unpacks it needs the base interpreter at the path where it was
     * on the building machine. When true the archive is a whole Python installation (the base installation's files and
     * the environment's packages in its {@code site-packages}), which runs wherever it is unpacked, by isoenv or by any
     * {@code tar}.
     *
     * @return whether the interpreter is bundled
     */
    public boolean bundleInterpreter() {
        return bundleInterpreter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackOptions p && bundleInterpreter == p.bundleInterpreter;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(bundleInterpreter);
    }

    @Override
    public String toString() {
        return "PackOptions[bundleInterpreter=" + bundleInterpreter + "]";
    }

    /** Builds {@link PackOptions}; starts with the defaults. */
    public static final class Builder {
        private boolean bundleInterpreter;

        private Builder() {
        }

        /**
         * Sets whether the archive holds the base Python installation, so that workers need no Python of their own.
         * The base must be a dedicated, relocatable installation: a standalone CPython (such as those that
         * {@code uv python install} or python-build-standalone provide), or one, such as pyenv's, whose libraries
         * name their folder in a run path that packing can make relative. A system Python ({@code /usr},
         * {@code /usr/local}) is refused. Libraries the base loads from the system (a pyenv build's {@code libssl},
         * {@code libsqlite3}, {@code libffi}) are not bundled, so workers need the same ones; a standalone CPython
         * carries its own. A conda prefix always carries its interpreter: for it this option changes nothing. An
         * environment built for another platform ({@code target.platform} naming another architecture) cannot be
         * packed with its interpreter, which is this machine's: {@code pack} throws {@link InvalidSpecException};
         * build and pack it on a machine of the target platform, or pack it without bundling. See
         * {@link Environment#pack(java.nio.file.Path, PackOptions)}.
         *
         * @param bundle true to bundle the interpreter; false (the default) to leave it outside
         * @return this builder
         */
        public Builder bundleInterpreter(boolean bundle) {
            this.bundleInterpreter = bundle;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public PackOptions build() {
            return new PackOptions(this);
        }
    }
}
