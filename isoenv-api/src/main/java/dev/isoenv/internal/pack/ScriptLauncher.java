package dev.isoenv.internal.pack;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Relocates a Windows console-script launcher: the {@code .exe} that pip (through distlib) writes into a virtual
 * environment's {@code Scripts} folder, which is distlib's launcher program, then a shebang line naming the
 * interpreter ({@code #!C:\envs\tool\Scripts\python.exe}, quoted where the path has spaces), then a zip archive holding
 * the script's {@code __main__.py}. The launcher finds the zip from its end record, the shebang just before it, and
 * since distlib 0.3.0 (October 2019; the launchers of pip 20 and later) resolves an executable written as
 * {@code <launcher_dir>\python.exe} against its own folder. So replacing the absolute interpreter path by that
 * relative form makes the launcher run the {@code python.exe} beside it wherever the environment is unpacked. The zip
 * is not touched: distlib writes it with offsets from its own start, so the shebang's length may change. Internal to
 * isoenv and not API.
 */
public final class ScriptLauncher {
    /** distlib's prefix for an executable relative to the launcher's folder. */
    public static final String RELATIVE_PREFIX = "<launcher_dir>\\";
    private static final byte[] END_RECORD = {'P', 'K', 5, 6};
    /** How far back from the zip the launcher looks for {@code #!}: Windows' MAX_PATH. */
    private static final int SHEBANG_WINDOW = 260;

    private ScriptLauncher() {
    }

    /**
     * Returns the launcher with its shebang made relative, when it is a distlib launcher whose interpreter lies in
     * the scripts folder of one of {@code environmentRoots}; otherwise empty (another kind of {@code .exe}, an
     * interpreter elsewhere, a zip whose offsets count the shebang).
     *
     * @param exe the launcher's bytes
     * @param environmentRoots the environment's path as the launcher may name it (as given, and its real path)
     * @param scriptsFolder the scripts folder's name, {@code Scripts}
     * @return the relocated launcher, if it is one
     */
    public static Optional<byte[]> relocate(byte[] exe, List<String> environmentRoots, String scriptsFolder) {
        int end = lastIndexOf(exe, END_RECORD, Math.max(0, exe.length - 22 - 0xFFFF));
        if (end < 0 || end + 22 > exe.length) {
            return Optional.empty();
        }
        long directorySize = le32(exe, end + 12);
        long directoryOffset = le32(exe, end + 16);
        long zipStart = end - directorySize - directoryOffset;
        if (zipStart < 3 || zipStart > end) {
            return Optional.empty();
        }
        int start = (int) zipStart;
        if (exe[start] == '#' && exe[start + 1] == '!') {
            // A zip whose offsets include the shebang (zipapp's way): its length must not change.
            return Optional.empty();
        }
        int bang = -1;
        for (int i = start - 2; i >= Math.max(0, start - SHEBANG_WINDOW); i--) {
            if (exe[i] == '#' && exe[i + 1] == '!') {
                bang = i;
                break;
            }
        }
        if (bang < 0 || exe[start - 1] != '\n') {
            return Optional.empty();
        }
        String line = new String(exe, bang + 2, start - bang - 2, StandardCharsets.UTF_8);
        String ending = line.endsWith("\r\n") ? "\r\n" : "\n";
        line = line.substring(0, line.length() - ending.length());
        String executable;
        String rest;
        if (line.startsWith("\"")) {
            int close = line.indexOf('"', 1);
            if (close < 0) {
                return Optional.empty();
            }
            executable = line.substring(1, close);
            rest = line.substring(close + 1);
        } else {
            int exeEnd = line.toLowerCase(Locale.ROOT).indexOf(".exe");
            if (exeEnd < 0) {
                return Optional.empty();
            }
            executable = line.substring(0, exeEnd + 4);
            rest = line.substring(exeEnd + 4);
        }
        String windows = executable.replace('/', '\\');
        int slash = windows.lastIndexOf('\\');
        if (slash < 0) {
            return Optional.empty();
        }
        String folder = windows.substring(0, slash);
        String name = windows.substring(slash + 1);
        boolean ours = environmentRoots.stream().map(root -> root.replace('/', '\\'))
                .map(root -> (root.endsWith("\\") ? root : root + "\\") + scriptsFolder)
                .anyMatch(scripts -> scripts.equalsIgnoreCase(folder));
        if (!ours || name.isEmpty() || name.contains("\"")) {
            return Optional.empty();
        }
        byte[] shebang = ("#!" + RELATIVE_PREFIX + name + rest + ending).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bang + shebang.length + (exe.length - start)];
        System.arraycopy(exe, 0, out, 0, bang);
        System.arraycopy(shebang, 0, out, bang, shebang.length);
        System.arraycopy(exe, start, out, bang + shebang.length, exe.length - start);
        return Optional.of(out);
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = haystack.length - needle.length; i >= from; i--) {
            boolean match = true;
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static long le32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16
                | (b[offset + 3] & 0xFFL) << 24;
    }
}
