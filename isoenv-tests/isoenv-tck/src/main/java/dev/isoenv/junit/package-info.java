/**
 * A JUnit Jupiter extension (JUnit 5.10 and later, and JUnit 6) for tests that need a Python environment: declare one with {@link
 * dev.isoenv.junit.PythonEnvironment} on a field or parameter of type {@link dev.isoenv.Environment}, and {@link
 * dev.isoenv.junit.IsoenvExtension} ensures it once per class or per run and injects it. A backend (such as
 * isoenv-venv) must be on the test class path.
 */
package dev.isoenv.junit;
