/**
 * The one place where isoenv starts processes. {@link dev.isoenv.process.ProcessRunner} runs a command without a shell through commons-exec, with quoting off for every argument, streams stdout and stderr line by line as UTF-8, masks secrets with a {@link dev.isoenv.process.Redactor}, kills the whole process tree on timeout or interrupt, and restores the interrupt flag. Every backend runs its commands through it.
 */
package dev.isoenv.process;
