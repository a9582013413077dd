package dev.isoenv.cuda.data;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.Requirement;
import dev.isoenv.internal.version.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The facts isoenv chooses PyTorch variants from, loaded from data rather than compiled in: the index URL
 * pattern, each CUDA variant's minimum driver, the variants and Python versions of each torch release, the GPU
 * architectures each CUDA variant of each release carries, the gfx targets of each ROCm variant, and the
 * torch-family distributions that must all come from the chosen index.
 *
 * <p>The data shipped in the jar ({@value #RESOURCE}) can be extended or replaced by user files in the same
 * format, so a new PyTorch release needs no new isoenv release: rows of a later file replace rows with the same
 * key (a variant, a release series), and {@code mode<TAB>replace} discards everything beneath. Instances are
 * immutable.
 */
public final class TorchData {
    /** The class-path resource that holds the data shipped with isoenv. */
    public static final String RESOURCE = "/dev/isoenv/cuda/data/torch-data.tsv";

    /**
     * The normalized names of the torch family in the data shipped with isoenv ({@value #RESOURCE}), known without
     * parsing it, so that a specification that names none of them (and no user data that could add one) is
     * declined without loading the data. A test keeps it equal to the resource's {@code [torch-family]} section.
     */
    public static final Set<String> BUILT_IN_TORCH_FAMILY = Set.of("fbgemm-gpu", "fbgemm-gpu-genai",
            "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "torch", "torch-tensorrt", "torchao",
            "torcharrow", "torchaudio", "torchcodec", "torchcsprng", "torchdistx", "torchrec", "torchserve",
            "torchtext", "torchtune", "torchvision", "triton", "triton-rocm", "triton-xpu", "xformers");

    private static volatile TorchData builtIn;

    private final List<String> sources;
    private final String dataVersion;
    private final String indexUrlPattern;
    private final Map<TorchVariant, DriverFloor> floors;
    private final List<TorchRelease> releases;
    private final List<TorchDataLayer.ArchitectureRule> cudaArchitectures;
    private final Map<TorchVariant, List<String>> rocmTargets;
    private final List<TorchDataLayer.WheelRule> wheelRules;
    private final Map<String, Boolean> torchFamily;

    private TorchData(List<String> sources, String dataVersion, String indexUrlPattern,
                      Map<TorchVariant, DriverFloor> floors, List<TorchRelease> releases,
                      List<TorchDataLayer.ArchitectureRule> cudaArchitectures,
                      Map<TorchVariant, List<String>> rocmTargets, List<TorchDataLayer.WheelRule> wheelRules,
                      Map<String, Boolean> torchFamily) {
        this.sources = List.copyOf(sources);
        this.dataVersion = dataVersion;
        this.indexUrlPattern = indexUrlPattern;
        this.floors = Collections.unmodifiableMap(new LinkedHashMap<>(floors));
        this.releases = List.copyOf(releases);
        this.cudaArchitectures = List.copyOf(cudaArchitectures);
        this.rocmTargets = Collections.unmodifiableMap(new LinkedHashMap<>(rocmTargets));
        this.wheelRules = List.copyOf(wheelRules);
        this.torchFamily = Collections.unmodifiableMap(new LinkedHashMap<>(torchFamily));
    }

    /**
     * Returns the data shipped in the jar, parsed once per JVM.
     *
     * @return the built-in data
     */
    public static TorchData builtIn() {
        TorchData data = builtIn;
        if (data == null) {
            data = merge(List.of(builtInLayer()));
            builtIn = data;
        }
        return data;
    }

    /**
     * Returns the built-in data with user files layered over it, in order.
     *
     * @param files data files in this class's format
     * @return the merged data
     * @throws InvalidSpecException if a file cannot be read, or a line of it is not valid
     */
    public static TorchData withOverrides(List<Path> files) {
        List<TorchDataLayer> layers = new ArrayList<>();
        layers.add(builtInLayer());
        for (Path file : files) {
            layers.add(TorchDataParser.parse(read(file), file.toString()));
        }
        return merge(layers);
    }

    /**
     * Returns the built-in data with texts in this class's format layered over it, in order; for tests and tools.
     *
     * @param texts data by source name, in order
     * @return the merged data
     * @throws InvalidSpecException if a line is not valid
     */
    public static TorchData withOverrideTexts(Map<String, String> texts) {
        List<TorchDataLayer> layers = new ArrayList<>();
        layers.add(builtInLayer());
        texts.forEach((source, text) -> layers.add(TorchDataParser.parse(text, source)));
        return merge(layers);
    }

    /**
     * Returns a copy with another index URL pattern, such as a mirror's.
     *
     * @param pattern a URL with a {@code {variant}} placeholder
     * @param source where the pattern came from, for messages
     * @return the new data
     * @throws InvalidSpecException if the pattern has no placeholder
     */
    public TorchData withIndexUrlPattern(String pattern, String source) {
        String shown = dev.isoenv.internal.process.Redactor.maskUrlCredentials(pattern);
        if (!pattern.contains("{variant}")) {
            throw new InvalidSpecException("The PyTorch index URL pattern '" + shown + "' from " + source
                    + " has no {variant} placeholder; write it like https://mirror.example/whl/{variant} or"
                    + " file:///srv/torch-wheels/{variant}.");
        }
        String lower = pattern.strip().toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("file:"))
                || pattern.strip().startsWith("-") || pattern.strip().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSpecException("The PyTorch index URL pattern '" + shown + "' from " + source
                    + " is not an http, https or file URL without spaces; write it like"
                    + " https://mirror.example/whl/{variant} or file:///srv/torch-wheels/{variant}.");
        }
        List<String> s = new ArrayList<>(sources);
        s.add(source);
        return new TorchData(s, dataVersion, pattern, floors, releases, cudaArchitectures, rocmTargets, wheelRules,
                torchFamily);
    }

    private static TorchDataLayer builtInLayer() {
        try (InputStream in = TorchData.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The resource " + RESOURCE + " is missing from the isoenv-cuda jar");
            }
            return TorchDataParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "isoenv-cuda:" + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSpecException("Cannot read the PyTorch variant data file " + file + ": " + e
                    + ". Fix the file or unset isoenv.torch.data / ISOENV_TORCH_DATA.");
        }
    }

    private static TorchData merge(List<TorchDataLayer> layers) {
        List<String> sources = new ArrayList<>();
        String dataVersion = null;
        String pattern = null;
        Map<TorchVariant, TorchDataLayer.Floor> floors = new LinkedHashMap<>();
        Map<Version, TorchDataLayer.Release> releases = new LinkedHashMap<>();
        List<TorchDataLayer.ArchitectureRule> archs = new ArrayList<>();
        Map<TorchVariant, List<String>> rocm = new LinkedHashMap<>();
        List<TorchDataLayer.WheelRule> wheels = new ArrayList<>();
        Map<String, Boolean> family = new LinkedHashMap<>();
        for (TorchDataLayer layer : layers) {
            if (layer.mode == TorchDataLayer.Mode.REPLACE) {
                sources.clear();
                dataVersion = null;
                pattern = null;
                floors.clear();
                releases.clear();
                archs.clear();
                rocm.clear();
                wheels.clear();
                family.clear();
            }
            sources.add(layer.source + (layer.dataVersion == null ? "" : " (data-version " + layer.dataVersion + ")"));
            dataVersion = layer.dataVersion != null ? layer.dataVersion : dataVersion;
            pattern = layer.indexUrlPattern != null ? layer.indexUrlPattern : pattern;
            floors.putAll(layer.floors);
            releases.putAll(layer.releases);
            archs.addAll(layer.cudaArchitectures);
            layer.rocmTargets.forEach((v, t) -> rocm.put(v, t.targets()));
            wheels.addAll(layer.wheelRules);
            family.putAll(layer.torchFamily);
        }
        String last = layers.get(layers.size() - 1).source;
        if (pattern == null) {
            throw new InvalidSpecException("PyTorch variant data from " + last + " has no [index] url-pattern.");
        }
        if (releases.isEmpty()) {
            throw new InvalidSpecException("PyTorch variant data from " + last + " has no [releases] rows.");
        }
        if (!family.containsKey("torch")) {
            throw new InvalidSpecException("PyTorch variant data from " + last
                    + " does not list torch in [torch-family].");
        }
        Map<TorchVariant, DriverFloor> floorValues = new LinkedHashMap<>();
        floors.forEach((v, f) -> floorValues.put(v, f.floor()));
        List<TorchRelease> releaseValues = new ArrayList<>();
        for (TorchDataLayer.Release r : releases.values()) {
            for (TorchVariant v : r.release().variants(TorchVariant.Kind.CUDA)) {
                if (!floorValues.containsKey(v)) {
                    throw new InvalidSpecException("Invalid PyTorch variant data in " + r.origin() + ": torch "
                            + r.release().series() + " lists " + v + ", but no [driver-floors] row gives its minimum"
                            + " driver.");
                }
            }
            releaseValues.add(r.release());
        }
        releaseValues.sort(Comparator.comparing(TorchRelease::series).reversed());
        return new TorchData(sources, dataVersion == null ? "unknown" : dataVersion, pattern, floorValues,
                releaseValues, archs, rocm, wheels, family);
    }

    /**
     * Returns where the data came from, in layer order.
     *
     * @return the sources, such as the jar resource and a user file
     */
    public List<String> sources() {
        return sources;
    }

    /**
     * Returns the data version of the topmost layer that declares one.
     *
     * @return the version, such as {@code 2026-08-21}
     */
    public String dataVersion() {
        return dataVersion;
    }

    /**
     * Returns the index URL pattern.
     *
     * @return such as {@code https://download.pytorch.org/whl/{variant}}
     */
    public String indexUrlPattern() {
        return indexUrlPattern;
    }

    /**
     * Returns the index URL of a variant.
     *
     * @param variant the variant
     * @return such as {@code https://download.pytorch.org/whl/cu126}
     */
    public String indexUrl(TorchVariant variant) {
        return indexUrlPattern.replace("{variant}", variant.name());
    }

    /**
     * Returns the minimum driver of a CUDA variant.
     *
     * @param variant a CUDA variant
     * @return the floor, or empty when the data has none
     */
    public Optional<DriverFloor> driverFloor(TorchVariant variant) {
        return Optional.ofNullable(floors.get(variant));
    }

    /**
     * Returns the release series, newest first.
     *
     * @return the releases
     */
    public List<TorchRelease> releases() {
        return releases;
    }

    /**
     * Tells whether the data knows a variant: a release publishes it, or, for CUDA, a driver floor names it, or,
     * for ROCm, its gfx targets are listed. {@code cpu} and {@code xpu} are always known.
     *
     * @param variant any variant
     * @return false for a variant the data has never heard of, such as {@code cu999}
     */
    public boolean knows(TorchVariant variant) {
        switch (variant.kind()) {
            case CPU:
            case XPU:
                return true;
            case CUDA:
                return floors.containsKey(variant) || published().contains(variant);
            default:
                return rocmTargets.containsKey(variant) || published().contains(variant);
        }
    }

    /**
     * Returns every variant some release of the data publishes, each kind newest first.
     *
     * @return the variants, such as cu132 ... cu117, rocm7.2 ... rocm5.3, xpu, cpu
     */
    public List<TorchVariant> published() {
        java.util.Set<TorchVariant> all = new java.util.TreeSet<>(TorchVariant.NEWEST_FIRST.thenComparing(
                TorchVariant::name));
        for (TorchRelease r : releases) {
            all.addAll(r.variants());
        }
        return List.copyOf(all);
    }

    /**
     * Returns the series a torch version belongs to.
     *
     * @param version such as {@code 2.5.1}
     * @return the series, or empty when the data does not know it
     */
    public Optional<TorchRelease> seriesOf(Version version) {
        for (TorchRelease r : releases) {
            if (r.contains(version)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the release series whose companion package (such as torchvision) has the series of
     * {@code version}.
     *
     * @param distribution a companion such as {@code torchvision}
     * @param version its version, such as {@code 0.20.1}
     * @return the torch series, or empty when the data does not say
     */
    public Optional<TorchRelease> seriesOfCompanion(String distribution, Version version) {
        String name = Requirement.normalize(distribution);
        for (TorchRelease r : releases) {
            Version series = r.companions().get(name);
            if (series != null && series.releasePart(0) == version.releasePart(0)
                    && series.releasePart(1) == version.releasePart(1)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the compute capabilities that a CUDA variant of a release carries code for on a platform. Rows that
     * name platforms apply to those alone; rows that name none apply to every platform. When several rows match,
     * the one given last wins, so a user file can correct a row of the built-in data.
     *
     * @param release the release series
     * @param variant a CUDA variant
     * @param platform the platform, or empty when it is not one the data describes
     * @return the capabilities, or empty when the data does not say
     */
    public Optional<List<ComputeCapability>> cudaArchitectures(TorchRelease release, TorchVariant variant,
                                                               Optional<Platform> platform) {
        for (int k = cudaArchitectures.size() - 1; k >= 0; k--) {
            TorchDataLayer.ArchitectureRule rule = cudaArchitectures.get(k);
            boolean here = rule.platforms().isEmpty() || (platform.isPresent()
                    && rule.platforms().contains(platform.get()));
            if (here && rule.variant().equals(variant) && rule.releases().contains(release.series())) {
                return Optional.of(rule.capabilities());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the gfx targets a ROCm variant carries.
     *
     * @param variant a ROCm variant
     * @return the targets, or empty when the data does not say
     */
    public Optional<List<String>> rocmTargets(TorchVariant variant) {
        return Optional.ofNullable(rocmTargets.get(variant));
    }

    /**
     * Returns the platforms a variant of a release publishes wheels for. When several {@code [platforms]} rows
     * match, the one given last wins, so a user file can correct a row of the built-in data.
     *
     * @param release the release series
     * @param variant the variant
     * @return the platforms, or empty when the data does not say
     */
    public Optional<WheelPlatforms> wheels(TorchRelease release, TorchVariant variant) {
        for (int k = wheelRules.size() - 1; k >= 0; k--) {
            if (wheelRules.get(k).matches(release, variant)) {
                return Optional.of(wheelRules.get(k).platforms());
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether a release publishes wheels for a platform (and a Python version) in some variant.
     *
     * @param release the release series
     * @param platform the platform
     * @param python the Python version, or empty to ask about the platform alone
     * @return false only when the data says that no variant of the release has such wheels
     */
    public boolean hasWheels(TorchRelease release, Platform platform, Optional<Version> python) {
        for (TorchVariant v : release.variants()) {
            Optional<WheelPlatforms> w = wheels(release, v);
            if (w.isEmpty() || (python.isPresent() ? w.get().has(platform, python.get(), release)
                    : w.get().has(platform))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells whether a distribution is one of the torch family, which must all come from the chosen index.
     *
     * @param distribution a distribution name, compared after normalization
     * @return true for torch, torchvision, torchaudio, triton and the like
     */
    public boolean isTorchFamily(String distribution) {
        return torchFamily.containsKey(Requirement.normalize(distribution));
    }

    /**
     * Tells whether a torch-family distribution's wheels on a variant index carry the variant as local version
     * label, as {@code torch 2.5.1+cu124} and {@code torchvision 0.20.1+cu124} do.
     *
     * @param distribution a distribution name, compared after normalization
     * @return true if its versions carry the label
     */
    public boolean carriesVariantLabel(String distribution) {
        return Boolean.TRUE.equals(torchFamily.get(Requirement.normalize(distribution)));
    }

    /**
     * Returns the normalized names of the torch family.
     *
     * @return the names, sorted
     */
    public Set<String> torchFamily() {
        return Collections.unmodifiableSet(new TreeSet<>(torchFamily.keySet()));
    }

    @Override
    public String toString() {
        return "TorchData[" + String.join(" + ", sources) + ", " + releases.size() + " release series]";
    }
}
