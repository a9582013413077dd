/**
 * Runs a real Python and pip for tests, without a shell and without the machine's pip configuration:
 * {@link dev.isoenv.testing.python.PythonLocator} finds {@code python3} on the {@code PATH},
 * {@link dev.isoenv.testing.python.PipEnvironment} clears every {@code PIP_*} variable and points
 * {@code PIP_CONFIG_FILE} at the null device, {@link dev.isoenv.testing.python.CommandRunner} runs a command and
 * captures its output, and {@link dev.isoenv.testing.python.ScratchVenv} creates a virtual environment with pip in
 * a directory the test owns.
 */
package dev.isoenv.testing.python;
