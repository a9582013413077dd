package dev.isoenv.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operating system families isoenv knows the layouts of. Paths, executable names and variable names
 * differ between them; everything that depends on those differences asks this type. More constants may be added in
 * later versions: switch with a default branch.
 */
public enum OperatingSystem {
    /** Linux, including WSL. */
    LINUX,
    /** macOS. */
    MACOS,
    /** Windows. */
    WINDOWS,
    /** Another POSIX system; treated like Linux. */
    OTHER_POSIX;

    private static final OperatingSystem CURRENT = detect(System.getProperty("os.name", ""));

    /**
     * Returns the system this JVM runs on.
     *
     * @return the current operating system
     */
    public static OperatingSystem current() {
        return CURRENT;
    }

    /**
     * Classifies an {@code os.name} value.
     *
     * @param osName the value of the {@code os.name} system property
     * @return the family
     */
    public static OperatingSystem detect(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("windows")) {
            return WINDOWS;
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return MACOS;
        }
        if (n.startsWith("linux")) {
            return LINUX;
        }
        return OTHER_POSIX;
    }

    /**
     * Tells whether this is Windows.
     *
     * @return true on Windows
     */
    public boolean isWindows() {
        return this == WINDOWS;
    }

    /**
     * Returns the name of a virtual environment's scripts directory: {@code Scripts} or {@code bin}.
     *
     * @return the directory name
     */
    public String scriptsDirectoryName() {
        return isWindows() ? "Scripts" : "bin";
    }

    /**
     * Returns the file name of an executable: {@code name.exe} on Windows, {@code name} elsewhere.
     *
     * @param name a base name such as {@code python}
     * @return the executable file name
     */
    public String executableName(String name) {
        return isWindows() ? name + ".exe" : name;
    }

    /**
     * Returns the separator of {@code PATH} entries: {@code ;} or {@code :}.
     *
     * @return the path separator
     */
    public String pathSeparator() {
        return isWindows() ? ";" : ":";
    }

    /**
     * Returns the file names to try for a command: on Windows the name itself if it has an extension, else the
     * name with each {@code PATHEXT} extension; elsewhere the name itself.
     *
     * @param command a bare command name
     * @param environment the variables that hold {@code PATHEXT}
     * @return the candidate file names, in order
     */
    public List<String> commandFileNames(String command, Map<String, String> environment) {
        if (!isWindows()) {
            return List.of(command);
        }
        List<String> names = new ArrayList<>();
        String pathExt = variable(environment, "PATHEXT");
        if (pathExt == null || pathExt.isBlank()) {
            pathExt = ".COM;.EXE;.BAT;.CMD";
        }
        int dot = command.lastIndexOf('.');
        if (dot > 0) {
            names.add(command);
        }
        for (String ext : pathExt.split(";")) {
            if (!ext.isBlank()) {
                names.add(command + ext.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /**
     * Reads a variable, ignoring case on Windows, where {@code Path} and {@code PATH} are the same variable.
     *
     * @param environment the variables
     * @param name the variable's name
     * @return its value, or null
     */
    public String variable(Map<String, String> environment, String name) {
        String key = variableKey(environment, name);
        return key == null ? null : environment.get(key);
    }

    /**
     * Returns the key under which {@code name} is stored in {@code environment}: the exact name, or on Windows
     * any key equal to it ignoring case.
     *
     * @param environment the variables
     * @param name the variable's name
     * @return the stored key, or null if absent
     */
    public String variableKey(Map<String, String> environment, String name) {
        if (environment.containsKey(name)) {
            return name;
        }
        if (isWindows()) {
            for (String key : environment.keySet()) {
                if (key.equalsIgnoreCase(name)) {
                    return key;
                }
            }
        }
        return null;
    }
}
