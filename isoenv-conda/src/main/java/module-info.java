/**
 * The conda, mamba and micromamba backend of isoenv, named {@code conda}: it builds conda prefixes with Python, pip
 * and conda packages (ffmpeg, cuda-toolkit, ...) from the specification's channels (conda-forge by default), installs
 * Python requirements with the prefix's own pip, and is chosen automatically only for a specification with conda
 * packages. It exports nothing; it provides {@code dev.isoenv.spi.Installer}.
 */
module dev.isoenv.conda {
    requires dev.isoenv.api;
    requires static com.google.auto.service;

    provides dev.isoenv.spi.Installer with dev.isoenv.conda.CondaInstaller;
}
