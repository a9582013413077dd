package dev.isoenv.internal.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says, for a failed file operation on an environment's files, what went wrong in words a user can act on: a
 * read-only file system, a full disk, missing permissions, or a file where a directory should be.
 */
public final class FileProblems {
    private FileProblems() {
    }

    /**
     * Describes a failure and what to do about it.
     *
     * @param action what isoenv was doing, such as "lock" or "write the state record"
     * @param path the file it was working on
     * @param e the failure
     * @return a sentence or two, ending with what to do
     */
    public static String describe(String action, Path path, IOException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        String lower = reason.toLowerCase(Locale.ROOT) + " " + (e instanceof FileSystemException
                ? String.valueOf(((FileSystemException) e).getReason()).toLowerCase(Locale.ROOT) : "");
        String what;
        if (lower.contains("read-only file system")) {
            what = "the file system is read-only. Choose an environment location on a writable disk.";
        } else if (lower.contains("no space left") || lower.contains("disk full") || lower.contains("not enough space")) {
            what = "the disk is full. Free some space, or choose a location on another disk.";
        } else if (e instanceof AccessDeniedException || lower.contains("permission denied")) {
            what = "this user may not write there. Make the location and its parent directory writable by this"
                    + " user, or choose another location.";
        } else if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
                || lower.contains("not a directory")) {
            what = "a file stands where a directory is needed (" + reason + "). Choose another location, or move"
                    + " that file away.";
        } else if (e instanceof NoSuchFileException) {
            what = "a directory on the way does not exist (" + reason + "). Check the location.";
        } else {
            what = reason + ". Check that the location is writable and the disk is not full.";
        }
        return "Cannot " + action + " " + path + ": " + what;
    }
}
