/**
 * Finding base Python interpreters for the venv backend; not API. {@link
 * dev.isoenv.venv.interpreter.InterpreterFinder} looks on PATH, in pyenv's versions folder and through the Windows py
 * launcher, runs each candidate to check it (a pyenv shim for an inactive version fails and is skipped), and reports
 * every refusal when none fits. What a successful run reported is kept in isoenv's cache directory ({@code
 * InterpreterFactsCache}), keyed by the interpreter's real path, size and modification
 * time, and a shim's resolution while its version settings are unchanged, so that a new JVM starts no process to
 * learn them again.
 */
package dev.isoenv.venv.interpreter;
