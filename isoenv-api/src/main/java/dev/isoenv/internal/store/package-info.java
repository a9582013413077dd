/**
 * The shared store: a content-addressed folder, per user, that holds each installed distribution's files once, so
 * that N environments with the same distributions cost about one on disk and later ones are built by linking instead
 * of downloading and unpacking. It verifies the hashes a distribution's {@code RECORD} declares before it shares a
 * file, hard-links files into environments (copying where links are impossible), keeps shared files read-only,
 * remembers which environment uses what, and collects what none uses. Internal to isoenv and not API.
 */
package dev.isoenv.internal.store;
