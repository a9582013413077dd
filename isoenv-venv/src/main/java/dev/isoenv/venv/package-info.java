/**
 * The stdlib venv + pip backend. {@link dev.isoenv.venv.VenvInstaller} is the {@code Installer} registered under the
 * name {@code venv}: it creates environments with {@code python -m venv --without-pip} and seeds pip from the
 * interpreter's own bundled wheel ({@link dev.isoenv.venv.PipSeeder}), then drives {@code python -m pip} with
 * arguments and variables built by {@link dev.isoenv.venv.PipCommands}: {@code --} before every requirement, no
 * prompts, machine-readable progress where pip has it, and the specification's indexes passed as {@code PIP_*}
 * variables so that credentials never appear on a command line. {@link dev.isoenv.venv.PipProgressParser} turns
 * pip's output into package progress events.
 */
package dev.isoenv.venv;
