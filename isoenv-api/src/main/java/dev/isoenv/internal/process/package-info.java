/**
 * The one place where isoenv starts processes; internal to isoenv and not API. {@link
 * dev.isoenv.internal.process.ProcessRunner} runs a command without a shell through commons-exec, with quoting off
 * for every argument, streams stdout and stderr line by line as UTF-8, masks secrets with a {@link
 * dev.isoenv.internal.process.Redactor}, kills the whole process tree on timeout or interrupt, and restores the
 * interrupt flag. Backends reach it through {@link dev.isoenv.spi.BackendContext#run}.
 */
package dev.isoenv.internal.process;
