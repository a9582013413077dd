/**
 * The archive formats behind {@code Environment.pack} and {@code Isoenv.unpack}, behind one writer and one reader
 * interface ({@link dev.isoenv.internal.pack.ArchiveWriter}, {@link dev.isoenv.internal.pack.ArchiveReader}) so that
 * packing walks the environment once whatever the format: a small POSIX tar (ustar, with pax records for long names)
 * writer and reader, and a zip writer and reader that keep Unix modes and links in the external attributes and use
 * ZIP64 where sizes need it, both written deterministically; and what packing reads or rewrites in the content
 * (conda's records, binary prefixes, the C library wheels need). Internal to isoenv and not API.
 */
package dev.isoenv.internal.pack;
