/**
 * Finding base Python interpreters. {@link dev.isoenv.interpreter.InterpreterFinder} looks on PATH, in pyenv's versions folder and through the Windows py launcher, runs each candidate to check it (a pyenv shim for an inactive version fails and is skipped), and reports every refusal when none fits.
 */
package dev.isoenv.interpreter;
