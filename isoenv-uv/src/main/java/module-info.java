/**
 * The uv backend of isoenv: environments created with {@code uv venv} and filled with
 * {@code uv pip install --python ENV}, behind the same {@code dev.isoenv.spi.Installer} interface as the venv
 * backend. It registers the backend {@code uv} (priority 200, above venv's 100), which is available wherever a
 * recent enough uv is found; elsewhere it says why not, and another backend is chosen.
 */
module dev.isoenv.uv {
    requires dev.isoenv.api;
    requires static com.google.auto.service;

    provides dev.isoenv.spi.Installer with dev.isoenv.uv.UvInstaller;
}
