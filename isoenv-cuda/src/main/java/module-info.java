/**
 * Accelerator detection and PyTorch variant selection for isoenv: probes that find the machine's GPU, data that
 * says which PyTorch variant each torch release publishes and what each runs on, a resolver that chooses the
 * variant and explains why, and an install planner that installs the torch family from that variant's index
 * and verifies the result. It exports no package: it plugs in through {@code provides}.
 */
module dev.isoenv.cuda {
    requires dev.isoenv.api;
    requires static com.google.auto.service;

    // Nothing is exported: users reach this module through the isoenv API (Isoenv.detectAccelerator(),
    // Environment.choices() and explanation()) and the settings README documents; provides needs no export.

    provides dev.isoenv.spi.AcceleratorProbe with
            dev.isoenv.cuda.probe.OverrideProbe,
            dev.isoenv.cuda.probe.AppleSiliconProbe,
            dev.isoenv.cuda.probe.NvidiaProbe,
            dev.isoenv.cuda.probe.RocmProbe,
            dev.isoenv.cuda.probe.IntelXpuProbe;
    provides dev.isoenv.spi.InstallPlanner with
            dev.isoenv.cuda.TorchInstallPlanner,
            dev.isoenv.cuda.TorchNotNamedPlanner;
}
