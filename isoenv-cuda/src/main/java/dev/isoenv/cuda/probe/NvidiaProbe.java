package dev.isoenv.cuda.probe;

import com.google.auto.service.AutoService;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.Accelerator;
import dev.isoenv.spi.AcceleratorProbe;
import dev.isoenv.spi.ProbeContext;
import dev.isoenv.spi.ProbeResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Detects an NVIDIA GPU and its driver.
 *
 * <ol>
 *   <li>On Linux, the driver version from {@code /sys/module/nvidia/version}, else from
 *       {@code /proc/driver/nvidia/version}; no process is needed.</li>
 *   <li>The devices, with compute capability and memory, from {@code nvidia-smi --query-gpu=...}: every line,
 *       keeping the lowest driver; old drivers without {@code compute_cap} are asked again without it.
 *       nvidia-smi is looked for on the context's {@code PATH}, then in WSL's {@code /usr/lib/wsl/lib} and in
 *       Windows' {@code %ProgramFiles%\NVIDIA Corporation\NVSMI} and {@code %SystemRoot%\System32}.</li>
 *   <li>If nvidia-smi is missing or fails but a version file gave the driver, the GPU is still detected, with
 *       the driver only.</li>
 * </ol>
 *
 * <p>Inside WSL the driver is the Windows host's, numbered as Windows drivers are; the result then carries
 * {@link #WSL_NOTE} so that Windows driver floors apply. The probe never throws.
 */
@AutoService(AcceleratorProbe.class)
public final class NvidiaProbe implements AcceleratorProbe {
    /** The note on an accelerator found inside WSL, whose driver version is the Windows host's. */
    public static final String WSL_NOTE = "WSL: the driver version is the Windows host's, in Windows numbering";

    static final List<String> QUERY = List.of("--query-gpu=driver_version,compute_cap,name,memory.total",
            "--format=csv,noheader");
    static final List<String> QUERY_WITHOUT_COMPUTE_CAP = List.of("--query-gpu=driver_version,name,memory.total",
            "--format=csv,noheader");

    /** Creates the probe; ServiceLoader needs this constructor. */
    public NvidiaProbe() {
    }

    @Override
    public String name() {
        return "nvidia";
    }

    @Override
    public int priority() {
        return 800;
    }

    @Override
    public ProbeResult probe(ProbeContext context) {
        if (context.os() == OperatingSystem.MACOS) {
            return ProbeResult.notDetected("macOS has no NVIDIA CUDA driver");
        }
        List<String> problems = new ArrayList<>();
        Optional<DriverFile> file = context.os().isWindows() ? Optional.empty() : driverFromFiles(context, problems);
        boolean wsl = !context.os().isWindows() && isWsl(context);
        Optional<Path> smi = ExecutableFinder.find(context, "nvidia-smi", wellKnownLocations(context, wsl));
        if (smi.isEmpty()) {
            problems.add("nvidia-smi not found on PATH" + (wsl ? " or in /usr/lib/wsl/lib" : "")
                    + (context.os().isWindows() ? " or in the NVIDIA folders of ProgramFiles and SystemRoot" : ""));
            return driverOnly(file, problems, wsl);
        }
        SmiQuery query = query(context, smi.get());
        if (query.output == null) {
            // nvidia-smi is there but did not answer properly: a GPU may well be present, so the result is marked
            // incomplete and must not, alone, change a working environment.
            problems.add(query.problem);
            ProbeResult partial = driverOnly(file, problems, wsl);
            return partial.accelerator()
                    .map(a -> ProbeResult.detected(a.withDegradation(query.problem)))
                    .orElseGet(() -> ProbeResult.failed(String.join("; ", problems)));
        }
        String driver = query.output.driver();
        List<String> notes = new ArrayList<>();
        if (file.isPresent() && !file.get().version.equals(driver)) {
            notes.add(file.get().source + " says driver " + file.get().version + ", nvidia-smi says " + driver
                    + "; using nvidia-smi's");
        }
        if (wsl) {
            notes.add(WSL_NOTE);
        }
        String detectedBy = (file.isPresent() ? file.get().source + " and " : "") + "nvidia-smi (" + smi.get() + ")";
        return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, driver, query.output.devices(),
                detectedBy).withNotes(notes));
    }

    private static ProbeResult driverOnly(Optional<DriverFile> file, List<String> problems, boolean wsl) {
        if (file.isEmpty()) {
            return ProbeResult.notDetected(String.join("; ", problems));
        }
        List<String> notes = new ArrayList<>();
        notes.add("devices unknown: " + String.join("; ", problems));
        if (wsl) {
            notes.add(WSL_NOTE);
        }
        return ProbeResult.detected(Accelerator.detected(Accelerator.Kind.NVIDIA_CUDA, file.get().version, List.of(),
                file.get().source).withNotes(notes));
    }

    private static Optional<DriverFile> driverFromFiles(ProbeContext context, List<String> problems) {
        ProbeFiles.FileText sysfs = ProbeFiles.read(context, NvidiaDriverFiles.SYSFS);
        if (sysfs.present()) {
            Optional<String> v = NvidiaDriverFiles.parseModuleVersion(sysfs.text());
            if (v.isPresent()) {
                return Optional.of(new DriverFile(v.get(), NvidiaDriverFiles.SYSFS));
            }
            problems.add(NvidiaDriverFiles.SYSFS + " holds no driver version");
        } else {
            problems.add(sysfs.problem());
        }
        ProbeFiles.FileText proc = ProbeFiles.read(context, NvidiaDriverFiles.PROCFS);
        if (proc.present()) {
            Optional<String> v = NvidiaDriverFiles.parseProcVersion(proc.text());
            if (v.isPresent()) {
                return Optional.of(new DriverFile(v.get(), NvidiaDriverFiles.PROCFS));
            }
            problems.add(NvidiaDriverFiles.PROCFS + " has no 'NVRM version:' line with a driver version");
        } else {
            problems.add(proc.problem());
        }
        return Optional.empty();
    }

    private static SmiQuery query(ProbeContext context, Path smi) {
        ProbeCommand.Outcome first = ProbeCommand.run(context, smi, QUERY);
        boolean withCapability = true;
        ProbeCommand.Outcome outcome = first;
        if (!first.succeeded() && mentionsUnknownField(first.output())) {
            outcome = ProbeCommand.run(context, smi, QUERY_WITHOUT_COMPUTE_CAP);
            withCapability = false;
        }
        if (!outcome.succeeded()) {
            return new SmiQuery(null, outcome.problem());
        }
        try {
            return new SmiQuery(NvidiaSmiOutput.parse(outcome.stdout(), withCapability), null);
        } catch (NvidiaSmiOutput.MalformedException e) {
            return new SmiQuery(null, "nvidia-smi output is malformed: " + e.getMessage());
        }
    }

    private static boolean mentionsUnknownField(String output) {
        String o = output.toLowerCase(Locale.ROOT);
        return o.contains("compute_cap") || o.contains("not a valid field");
    }

    private static List<Path> wellKnownLocations(ProbeContext context, boolean wsl) {
        List<Path> places = new ArrayList<>();
        if (wsl) {
            places.add(context.file("/usr/lib/wsl/lib/nvidia-smi"));
        }
        if (context.os().isWindows()) {
            ExecutableFinder.underVariable(context, "ProgramFiles", "NVIDIA Corporation", "NVSMI", "nvidia-smi.exe")
                    .ifPresent(places::add);
            ExecutableFinder.underVariable(context, "SystemRoot", "System32", "nvidia-smi.exe").ifPresent(places::add);
        }
        return places;
    }

    /**
     * Tells whether the context is a Linux inside WSL: its kernel release names Microsoft, or WSL's variables
     * are set.
     */
    static boolean isWsl(ProbeContext context) {
        if (context.environment().containsKey("WSL_DISTRO_NAME") || context.environment().containsKey("WSL_INTEROP")) {
            return true;
        }
        ProbeFiles.FileText release = ProbeFiles.read(context, "/proc/sys/kernel/osrelease");
        return release.present() && release.text().toLowerCase(Locale.ROOT).contains("microsoft");
    }

    /**
     * Tells whether an accelerator was found inside WSL, where its driver version is the Windows host's and
     * Windows driver floors apply.
     *
     * @param accelerator the accelerator
     * @return true if this probe found it inside WSL
     */
    public static boolean isWslDriver(Accelerator accelerator) {
        return accelerator.notes().contains(WSL_NOTE);
    }

    private static final class DriverFile {
        final String version;
        final String source;

        DriverFile(String version, String source) {
            this.version = version;
            this.source = source;
        }
    }

    private static final class SmiQuery {
        final NvidiaSmiOutput output;
        final String problem;

        SmiQuery(NvidiaSmiOutput output, String problem) {
            this.output = output;
            this.problem = problem;
        }
    }
}
