package dev.isoenv.cuda.verify;

import dev.isoenv.Environment;
import dev.isoenv.InstalledDistribution;
import dev.isoenv.IsoenvException;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.VerificationException;
import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.spi.PostInstallCheck;
import dev.isoenv.internal.version.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks after an install that the environment holds the PyTorch build isoenv chose.
 *
 * <ol>
 *   <li>Every installed torch-family distribution carries the chosen local label (no CPU torchaudio beside a
 *       CUDA torch): the labelled members must carry it, and no member may carry another variant's label.
 *       This reads metadata only.</li>
 *   <li>The environment's python imports torch and reports {@code torch.__version__}, {@code torch.version.cuda}
 *       and {@code torch.version.hip}, and, when a GPU is expected, {@code torch.cuda.is_available()}. The
 *       version must carry the label (and equal an exact pin), CUDA builds must report the variant's CUDA
 *       version, ROCm builds a HIP version of the variant's ROCm series, and CPU and XPU builds neither.</li>
 * </ol>
 *
 * A mismatch is a {@link VerificationException} that names the build expected and the build found.
 */
public final class TorchBuildCheck implements PostInstallCheck {
    /** The default limit for importing torch, which can take long on a cold disk. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern VARIANT_LABEL = Pattern.compile("cpu|xpu|cu\\d{2,3}|rocm\\d+(\\.\\d+)+");
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "def out(key, value):",
            "    text = '' if value is None else str(value)",
            "    print('" + TorchReport.PREFIX + "' + key + '=' + text.replace('\\n', ' '))",
            "try:",
            "    import torch",
            "except Exception as e:",
            "    out('error', repr(e))",
            "    sys.exit(3)",
            "out('version', torch.__version__)",
            "version = getattr(torch, 'version', None)",
            "out('cuda', getattr(version, 'cuda', None))",
            "out('hip', getattr(version, 'hip', None))",
            "if 'gpu' in sys.argv[1:]:",
            "    try:",
            "        out('cuda-available', bool(torch.cuda.is_available()))",
            "    except Exception as e:",
            "        out('cuda-available', 'error ' + repr(e))",
            "");

    private static final String HINT = "Check that nothing else (pip configuration, an --extra-index-url, a"
            + " dependency) supplied torch, or force the variant with isoenv.torch.variant; set isoenv.torch.verify="
            + "false to skip this check.";

    private static final String STALE_HINT = " If it was installed for an earlier variant (the driver or an override"
            + " changed), pip keeps it because its requirement is not an exact pin: pin exact versions (such as"
            + " torch==2.5.1) so isoenv can ask for the new build, or delete the environment so it is rebuilt.";

    private final ExpectedBuild expected;
    private final Duration timeout;

    /**
     * Creates a check with the default timeout.
     *
     * @param expected the build the environment should hold
     */
    public TorchBuildCheck(ExpectedBuild expected) {
        this(expected, DEFAULT_TIMEOUT);
    }

    /**
     * Creates a check.
     *
     * @param expected the build the environment should hold
     * @param timeout the limit for the python process
     */
    public TorchBuildCheck(ExpectedBuild expected, Duration timeout) {
        this.expected = Objects.requireNonNull(expected, "expected");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Returns the build this check expects.
     *
     * @return the expected build
     */
    public ExpectedBuild expected() {
        return expected;
    }

    /**
     * Returns the command this check runs in the environment.
     *
     * @return {@code python -c <script>}, with {@code gpu} appended when a GPU is expected
     */
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of("python", "-c", PythonOneLiner.encode(SCRIPT)));
        if (expected.gpuExpected()) {
            command.add("gpu");
        }
        return command;
    }

    @Override
    public String description() {
        return "the environment holds " + expected.describe() + (expected.gpuExpected() ? " and it sees the GPU" : "");
    }

    @Override
    public void verify(Environment environment) {
        Optional<InstalledDistribution> torch = environment.installedDistribution("torch");
        Set<String> requested = new java.util.HashSet<>();
        environment.spec().requirements().forEach(r -> requested.add(r.normalizedName()));
        checkLabels(environment.installedDistributions(), requested);
        RunResult result;
        try {
            // In the environment's root, so that a torch module in the JVM's working directory cannot shadow it.
            result = environment.run(command(), RunOptions.builder().timeout(timeout).directory(environment.root()).build());
        } catch (VerificationException e) {
            throw e;
        } catch (IsoenvException e) {
            throw new VerificationException("Could not run the environment's python to check the installed PyTorch"
                    + " (expected " + expected.describe() + "): " + e.getMessage(), e);
        }
        TorchReport report = TorchReport.parse(result.stdout());
        if (!result.isSuccess() || report.version().isEmpty()) {
            throw new VerificationException("The environment's python could not import torch (expected "
                    + expected.describe() + (torch.isPresent() ? ", installed " + torch.get() : ", and no torch"
                    + " distribution is installed") + "): " + report.error().orElse("exit code " + result.exitCode()
                    + lastLine(result.stderr())) + ". " + HINT);
        }
        checkReport(report);
    }

    private void checkLabels(List<InstalledDistribution> installed, Set<String> requested) {
        String label = expected.localLabel().orElse(null);
        List<InstalledDistribution> torchFirst = new ArrayList<>(installed);
        torchFirst.sort(Comparator.comparing((InstalledDistribution d) -> !d.normalizedName().equals("torch")));
        for (InstalledDistribution d : torchFirst) {
            String name = d.normalizedName();
            if (!expected.family().contains(name) || !Version.isValid(d.version())) {
                continue;
            }
            Optional<String> found = Version.parse(d.version()).local();
            boolean labelled = expected.labelledFamily().contains(name);
            boolean wrongLabel = found.isPresent() && VARIANT_LABEL.matcher(found.get()).matches()
                    && !found.get().equals(label);
            boolean missingLabel = labelled && label != null && found.isEmpty();
            if (!wrongLabel && !missingLabel) {
                continue;
            }
            String stale = wrongLabel ? STALE_HINT : missingLabel && !requested.contains(name) ? " " + d.name()
                    + " is not among the requirements, so it came in as a dependency of another package, from the"
                    + " ordinary index: add it to the requirements so that it is installed from the variant index"
                    + " with torch." : "";
            if (name.equals("torch")) {
                throw new VerificationException("The installed PyTorch is not the build isoenv chose: expected "
                        + expected.describe() + ", found torch " + d.version() + "." + stale + " " + HINT);
            }
            throw new VerificationException("Mixed PyTorch builds: expected " + expected.describe() + " for every"
                    + " torch-family package, found " + d.name() + " " + d.version() + ". Every torch-family"
                    + " package must come from the same variant index." + stale + " " + HINT);
        }
    }

    private void checkReport(TorchReport report) {
        String versionText = report.version().orElseThrow();
        List<String> problems = new ArrayList<>();
        Optional<Version> version = Version.isValid(versionText) ? Optional.of(Version.parse(versionText))
                : Optional.empty();
        if (version.isEmpty()) {
            problems.add("torch.__version__ '" + versionText + "' is not a version");
        } else {
            Optional<String> label = version.get().local();
            if (expected.localLabel().isPresent() && !label.equals(expected.localLabel())) {
                problems.add("the local version label is " + label.map(l -> "+" + l).orElse("missing"));
            }
            Optional<Version> pinned = expected.torchVersion();
            if (pinned.isPresent() && !version.get().publicVersion().equals(pinned.get())) {
                problems.add("the version is not " + pinned.get());
            }
        }
        TorchVariant variant = expected.variant();
        switch (variant.kind()) {
            case CUDA:
                if (!sameSeries(report.cuda(), variant.version())) {
                    problems.add("torch.version.cuda is " + report.cuda().orElse("None") + ", not "
                            + variant.version());
                }
                break;
            case ROCM:
                if (!sameSeries(report.hip(), variant.version())) {
                    problems.add("torch.version.hip is " + report.hip().orElse("None") + ", not ROCm "
                            + variant.version().releasePart(0) + "." + variant.version().releasePart(1));
                }
                break;
            default:
                if (report.cuda().isPresent() || report.hip().isPresent()) {
                    problems.add("it is a GPU build, not a " + variant.describe() + " build");
                }
                break;
        }
        if (problems.isEmpty() && expected.gpuExpected()) {
            String available = report.get("cuda-available").orElse("not reported");
            if (!available.equals("True")) {
                problems.add("torch.cuda.is_available() is " + available + " although a GPU was detected; check the"
                        + " driver, and CUDA_VISIBLE_DEVICES or HIP_VISIBLE_DEVICES");
            }
        }
        if (!problems.isEmpty()) {
            throw new VerificationException("The installed PyTorch is not the build isoenv chose: expected "
                    + expected.describe() + ", found " + report.describe() + ": " + String.join("; ", problems) + ". "
                    + HINT);
        }
    }

    private static boolean sameSeries(Optional<String> reported, Version expected) {
        if (reported.isEmpty()) {
            return false;
        }
        String head = reported.get().split("[^0-9.]", 2)[0];
        if (!Version.isValid(head)) {
            return false;
        }
        Version v = Version.parse(head);
        return v.releasePart(0) == expected.releasePart(0) && v.releasePart(1) == expected.releasePart(1);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\r?\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "" : ": " + last;
    }
}
