package dev.isoenv.internal.ensure;

import static dev.isoenv.internal.ensure.EnvironmentPacking.MANIFEST;

import dev.isoenv.InvalidArchiveException;
import dev.isoenv.InvalidArchiveException.Reason;
import dev.isoenv.internal.process.Redactor;
import java.nio.file.Path;

/**
 * The {@link InvalidArchiveException}s that unpacking throws for an archive it refuses (unsafe, special, not an
 * environment archive, damaged, inconsistent with its manifest), and text from an archive as a message shows it.
 */
final class ArchiveRefusals {
    private ArchiveRefusals() {
    }

    /** Text from an archive, as a message may show it: no control characters, at most 500 characters. */
    static String shown(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 500; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.length() < text.length() ? b + "..." : b.toString();
    }

    static InvalidArchiveException unsafe(Path file, String name) {
        return new InvalidArchiveException("The archive " + file + " holds an entry that would be written outside the"
                + " target or through a link (" + Redactor.excerpt(name) + "). Nothing was unpacked. Use an archive"
                + " that Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
    }

    static InvalidArchiveException special(Path file, String rel) {
        return new InvalidArchiveException("The archive " + file + " holds " + shown(rel) + ", a hard link, device or"
                + " other special entry, which an environment archive never holds. Use an archive that"
                + " Environment.pack() wrote.", Reason.UNSAFE_ENTRY);
    }

    static InvalidArchiveException notOurs(Path file, Exception cause) {
        return new InvalidArchiveException("The file " + file + " is not an environment archive: Environment.pack()"
                + " writes a gzip-compressed tar or a zip whose first entry is " + MANIFEST + ". Pack the environment with"
                + " Environment.pack() and unpack that archive.", Reason.NOT_AN_ENVIRONMENT_ARCHIVE, cause);
    }

    static InvalidArchiveException damaged(Path file, Exception cause) {
        return new InvalidArchiveException("The archive " + file + " is damaged or cut short (" + (cause.getMessage() == null
                ? cause.getClass().getSimpleName() : shown(cause.getMessage())) + "). Nothing was unpacked. Copy it again from where it was packed.",
                Reason.DAMAGED, cause);
    }

    static InvalidArchiveException inconsistent(Path file, String what) {
        return new InvalidArchiveException("The archive " + file + " is damaged or was not written by"
                + " Environment.pack(): its manifest does not match its content (" + what + "). Nothing was unpacked."
                + " Copy the archive again from where it was packed, or pack the environment again.", Reason.DAMAGED);
    }
}
