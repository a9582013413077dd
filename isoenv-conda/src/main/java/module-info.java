/**
 * The conda, mamba and micromamba backend of isoenv: a skeleton. It will build conda prefixes with
 * {@code conda create -p PREFIX} (or mamba or micromamba) and install with them, behind the same
 * {@code dev.isoenv.spi.Installer} interface as the venv backend, and will register itself with
 * {@code provides dev.isoenv.spi.Installer} once it exists. Until then this module provides nothing, so adding
 * its jar changes nothing.
 */
module dev.isoenv.conda {
    requires dev.isoenv.api;
    requires static com.google.auto.service;
}
