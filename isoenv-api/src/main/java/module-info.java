/**
 * The isoenv API: specifications, environments, the entry point {@link dev.isoenv.Isoenv}, and the service
 * interfaces that backends, accelerator probes and install planners implement. It depends on no backend;
 * backends are found with {@link java.util.ServiceLoader}.
 */
module dev.isoenv.api {
    requires com.google.common;
    requires org.apache.commons.exec;

    exports dev.isoenv;
    exports dev.isoenv.spi;
    exports dev.isoenv.process;
    exports dev.isoenv.layout;
    exports dev.isoenv.interpreter;
    exports dev.isoenv.selection;
    exports dev.isoenv.version;
    exports dev.isoenv.accelerator;

    uses dev.isoenv.spi.Installer;
    uses dev.isoenv.spi.AcceleratorProbe;
    uses dev.isoenv.spi.InstallPlanner;
}
