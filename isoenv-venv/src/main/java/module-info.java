/**
 * The stdlib venv + pip backend of isoenv. It finds a CPython 3.8+ interpreter, creates a virtual environment
 * with the standard library's venv module, gives it a working pip, and installs with pip.
 */
module dev.isoenv.venv {
    requires dev.isoenv.api;
    requires com.google.common;
    requires static com.google.auto.service;

    provides dev.isoenv.spi.Installer with dev.isoenv.venv.VenvInstaller;
}
