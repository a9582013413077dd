/**
 * pip inside an environment, internal to isoenv and not API: command lines with {@code --} before requirements,
 * indexes and credentials in {@code PIP_*} variables (never on the command line), progress events parsed from pip's
 * output, and advice for its failures. The venv and conda backends install Python packages with it.
 */
package dev.isoenv.internal.pip;
