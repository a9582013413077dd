package dev.isoenv.cuda.probe;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the NVIDIA kernel module's version files, which give the driver version without starting a process:
 * {@code /sys/module/nvidia/version} holds just the version; {@code /proc/driver/nvidia/version} holds a line
 * such as {@code NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (...)} or,
 * for the proprietary module, {@code NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.144.03  Thu ...}.
 */
final class NvidiaDriverFiles {
    /** The sysfs file. */
    static final String SYSFS = "/sys/module/nvidia/version";
    /** The procfs file. */
    static final String PROCFS = "/proc/driver/nvidia/version";

    private static final Pattern VERSION = Pattern.compile("\\d{2,4}(?:\\.\\d{1,4}){1,3}");
    private static final Pattern IN_LINE = Pattern.compile("(?<![\\w.])(\\d{2,4}(?:\\.\\d{1,4}){1,3})(?![\\w.])");

    private NvidiaDriverFiles() {
    }

    /**
     * Parses the sysfs file.
     *
     * @param text the file's text
     * @return the driver version, or empty when the text is not one
     */
    static Optional<String> parseModuleVersion(String text) {
        String v = text.strip();
        return VERSION.matcher(v).matches() ? Optional.of(v) : Optional.empty();
    }

    /**
     * Parses the procfs file: the first version-shaped word of the {@code NVRM version:} line.
     *
     * @param text the file's text
     * @return the driver version, or empty when there is no such line or version
     */
    static Optional<String> parseProcVersion(String text) {
        for (String line : text.split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith("NVRM version:")) {
                Matcher m = IN_LINE.matcher(l.substring("NVRM version:".length()));
                return m.find() ? Optional.of(m.group(1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a text is a driver version such as {@code 580.159.04}.
     *
     * @param text the text
     * @return true if it is
     */
    static boolean isDriverVersion(String text) {
        return text != null && VERSION.matcher(text.strip()).matches();
    }
}
