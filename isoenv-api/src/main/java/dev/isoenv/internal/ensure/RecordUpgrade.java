package dev.isoenv.internal.ensure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Adds the canonical text of the specification to a state record written before isoenv kept it, once the record's
 * fingerprint was found to match, so that later calls compare text and need no hashing.
 *
 * <p>It is only ever an optimisation, and never fails a call: it takes the environment's lock without waiting (a
 * busy lock means another call is changing the environment, which will write a full record itself), reads the
 * record again under it, and writes only when the record still holds the very fingerprint that matched. Where the
 * lock or the record cannot be written (a read-only location, a full disk), the record stays as it is and keeps
 * working as before.
 */
final class RecordUpgrade {
    private RecordUpgrade() {
    }

    /**
     * Adds the text to the record of {@code root}, if it still holds {@code fingerprint} and no text.
     *
     * @param root the environment
     * @param fingerprint the installed fingerprint that matched
     * @param content the specification's canonical text, of which (with {@code plan}) the fingerprint is made
     * @param plan the plan's fingerprint
     * @return whether the record was upgraded
     */
    static boolean addContent(Path root, String fingerprint, String content, String plan) {
        try (EnvironmentLock lock = EnvironmentLock.acquire(root, Duration.ZERO)) {
            Optional<StateRecord> now = StateRecord.read(root);
            if (now.isEmpty() || !now.get().isCreated() || now.get().installedContent().isPresent()
                    || !now.get().installedFingerprint().orElse("").equals(fingerprint)) {
                return false;
            }
            now.get().withInstalledContent(content, plan).write(root);
            return true;
        } catch (RuntimeException e) {
            Logging.logger().log(System.Logger.Level.DEBUG, "isoenv: left the state record of {0} as"
                    + " it was: {1}", root, e.toString());
            return false;
        }
    }
}
