/**
 * Finding base Python interpreters for the venv backend; not API. {@link
 * dev.isoenv.venv.interpreter.InterpreterFinder} looks on PATH, in pyenv's versions folder and through the Windows py
 * launcher, runs each candidate to check it (a pyenv shim for an inactive version fails and is skipped), and reports
 * every refusal when none fits.
 */
package dev.isoenv.venv.interpreter;
