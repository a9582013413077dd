package dev.isoenv.conda;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A micromamba, mamba or conda executable, and where it was found ({@code source}, such as "PATH"). */
record CondaTool(Path executable, Kind kind, String source) {
    private static final Pattern NAMED = Pattern.compile("(micromamba|mamba|conda)\\s+v?([0-9][^\\s]*)");
    private static final Pattern BARE = Pattern.compile("v?([0-9]+(\\.[0-9]+)+[^\\s]*)");

    /** Which tool an executable is: micromamba, mamba (version 2 has micromamba's command line) or conda. */
    enum Kind { MICROMAMBA, MAMBA, CONDA }

    static Kind kindOf(Path executable) {
        String name = executable.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.startsWith("micromamba") ? Kind.MICROMAMBA : name.startsWith("mamba") ? Kind.MAMBA : Kind.CONDA;
    }

    /** Tells whether {@code remove} accepts channel options: conda's does; micromamba's and mamba 2's have none. */
    boolean removeTakesChannels() {
        return kind == Kind.CONDA;
    }

    /** Reads {@code --version}: {@code conda 24.7.1}, {@code 2.0.5} (micromamba, mamba 2), or {@code mamba 1.5.8}. */
    String describeVersion(String output) {
        for (String line : output.strip().split("\\R")) {
            String text = line.strip();
            Matcher named = NAMED.matcher(text);
            if (named.matches()) {
                return named.group(1) + " " + named.group(2);
            }
            Matcher bare = BARE.matcher(text);
            if (bare.matches()) {
                return kind.name().toLowerCase(Locale.ROOT) + " " + bare.group(1);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " at " + executable + " (from " + source + ")";
    }
}
