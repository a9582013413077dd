package dev.isoenv;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An environment written to an archive by {@link Environment#pack(Path)}, as its manifest ({@code isoenv-pack.json}
 * at the archive's root) describes it. The archive holds the environment's files, its PEP 751 lock
 * ({@code pylock.toml}) and the manifest; {@link Isoenv#unpack(Path, Path)} makes a working environment of it
 * elsewhere, on a machine of the same platform.
 *
 * <p><b>The interpreter stays outside.</b> A virtual environment runs on the base Python it was made from, which is
 * not in the archive: {@link #baseInterpreter()} names it, and the machine that unpacks the archive must have it at
 * that path (the same Python installation, such as {@code /usr/bin/python3.11} or a pyenv version at the same place).
 *
 * <p>isoenv implements this interface; applications use it and should not implement it.
 */
public interface EnvironmentArchive {
    /**
     * Returns the archive file.
     *
     * @return the {@code .tar.gz} file
     */
    Path file();

    /**
     * Returns the SHA-256 of the archive's payload (every entry but the manifest: its path, kind, mode and content),
     * which unpacking checks.
     *
     * @return 64 lower-case hex digits
     */
    String payloadSha256();

    /**
     * Returns the platform the environment was built for, which unpacking requires: the operating system and the
     * processor architecture, such as {@code linux-x86_64}.
     *
     * @return the platform
     */
    String platform();

    /**
     * Returns the Python version of the environment, such as {@code 3.11.7}.
     *
     * @return the version
     */
    String pythonVersion();

    /**
     * Returns the base interpreter the environment runs on, which the archive does not hold and the unpacking machine
     * must have at this path.
     *
     * @return the interpreter's path on the building machine
     */
    String baseInterpreter();

    /**
     * Returns the requirements the environment was built for, as its specification gave them.
     *
     * @return the requirements
     */
    List<String> requirements();

    /**
     * Returns what install planners chose for the environment, such as {@code torch.variant=cu126}; URLs without
     * credentials.
     *
     * @return the choices, sorted by key; empty for a plain install
     */
    Map<String, String> choices();
}
