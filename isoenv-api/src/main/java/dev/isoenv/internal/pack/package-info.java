/**
 * The archive format behind {@code Environment.pack} and {@code Isoenv.unpack}: a small POSIX tar (ustar, with pax
 * records for long names) writer and reader, written deterministically; internal to isoenv and not API.
 */
package dev.isoenv.internal.pack;
