/**
 * A minimal JSON reader, internal to isoenv and not API: conda's {@code --json} answers and its {@code conda-meta}
 * files are read with it, by the conda backend and by {@link dev.isoenv.spi.EnvironmentLayout}'s activation of conda
 * prefixes. isoenv depends on no JSON library.
 */
package dev.isoenv.internal.json;
