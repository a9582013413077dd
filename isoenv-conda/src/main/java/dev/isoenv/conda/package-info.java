/**
 * The conda backend of isoenv ({@link dev.isoenv.conda.CondaInstaller}): micromamba, mamba or conda build a conda
 * prefix with Python, pip and conda packages from the specification's channels, and the prefix's pip installs the
 * Python requirements.
 */
package dev.isoenv.conda;
