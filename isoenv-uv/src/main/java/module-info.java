/**
 * The uv backend of isoenv: a skeleton. It will build environments with {@code uv venv} and install with
 * {@code uv pip install --python ENV}, behind the same {@code dev.isoenv.spi.Installer} interface as the venv
 * backend, and will register itself with {@code provides dev.isoenv.spi.Installer} once it exists. Until then
 * this module provides nothing, so adding its jar changes nothing.
 */
module dev.isoenv.uv {
    requires dev.isoenv.api;
    requires static com.google.auto.service;
}
