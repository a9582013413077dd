/**
 * The isoenv API. Users call {@code dev.isoenv} (specifications, environments, the entry points {@link
 * dev.isoenv.Isoenv} and {@link dev.isoenv.IsoenvClient}, progress events); authors of backends, accelerator probes
 * and install planners implement {@code dev.isoenv.spi}. Nothing else is exported: the {@code dev.isoenv.internal}
 * packages are not API, and are opened only to isoenv's own modules. It depends on no backend; providers are found
 * with {@link java.util.ServiceLoader}.
 */
module dev.isoenv.api {
    requires com.google.common;
    requires org.apache.commons.exec;
    // Reads and writes pylock.toml (PEP 751); in no exported signature.
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;

    exports dev.isoenv;
    exports dev.isoenv.spi;

    // Not API: shared with isoenv's own modules only.
    exports dev.isoenv.internal.process to dev.isoenv.venv, dev.isoenv.uv, dev.isoenv.conda, dev.isoenv.cuda;
    exports dev.isoenv.internal.version to dev.isoenv.venv, dev.isoenv.uv, dev.isoenv.conda, dev.isoenv.cuda;
    exports dev.isoenv.internal.metadata to dev.isoenv.venv, dev.isoenv.uv, dev.isoenv.conda;
    exports dev.isoenv.internal.pip to dev.isoenv.venv, dev.isoenv.conda;
    exports dev.isoenv.internal.io to dev.isoenv.venv, dev.isoenv.uv, dev.isoenv.conda;
    exports dev.isoenv.internal.json to dev.isoenv.conda;
    exports dev.isoenv.internal.platform to dev.isoenv.venv, dev.isoenv.uv, dev.isoenv.conda;
    // For isoenv-cuda's tests, which run the real detector over the probes ServiceLoader finds.
    exports dev.isoenv.internal.accelerator to dev.isoenv.cuda;

    uses dev.isoenv.spi.Installer;
    uses dev.isoenv.spi.AcceleratorProbe;
    uses dev.isoenv.spi.InstallPlanner;
}
