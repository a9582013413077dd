/**
 * The stdlib venv + pip backend of isoenv. It finds a CPython 3.8+ interpreter, creates a virtual environment
 * with the standard library's venv module, gives it a working pip, and installs with pip.
 */
module dev.isoenv.venv {
    requires dev.isoenv.api;
    requires com.google.common;
    requires static com.google.auto.service;

    // Not API: interpreter discovery, for isoenv's integration tests that build one environment per installed Python.
    exports dev.isoenv.venv.interpreter to dev.isoenv.tests;

    provides dev.isoenv.spi.Installer with dev.isoenv.venv.VenvInstaller;
}
