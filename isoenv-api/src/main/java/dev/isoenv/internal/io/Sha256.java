package dev.isoenv.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as isoenv writes it everywhere (the shared store's object names, a lock's hash, an archive's file and
 * payload hashes): 64 lower-case hexadecimal digits. Internal to isoenv and not API.
 */
public final class Sha256 {
    private Sha256() {
    }

    /**
     * A new SHA-256 digest.
     *
     * @return the digest, which every Java runtime has
     */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return 64 lower-case hexadecimal digits
     */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /**
     * The SHA-256 of a file's content, read in blocks.
     *
     * @param file the file
     * @return 64 lower-case hexadecimal digits
     * @throws IOException when the file cannot be read
     */
    public static String hex(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
