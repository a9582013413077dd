package dev.isoenv.cuda.variant;

import dev.isoenv.cuda.data.TorchVariant;
import dev.isoenv.Accelerator;
import dev.isoenv.internal.version.Version;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The PyTorch variant chosen for a machine: the variant, its index URL, the local version label its wheels
 * carry here, the known torch releases it covers, and a readable account of how it was chosen.
 */
public final class VariantChoice {
    private final TorchVariant variant;
    private final String indexUrl;
    private final String localLabel;
    private final List<Version> releases;
    private final boolean forced;
    private final Accelerator accelerator;
    private final String explanation;

    VariantChoice(TorchVariant variant, String indexUrl, String localLabel, List<Version> releases, boolean forced,
                  Accelerator accelerator, String explanation) {
        this.variant = Objects.requireNonNull(variant, "variant");
        this.indexUrl = Objects.requireNonNull(indexUrl, "indexUrl");
        this.localLabel = localLabel;
        this.releases = List.copyOf(releases);
        this.forced = forced;
        this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
        this.explanation = Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * Returns the variant.
     *
     * @return such as {@code cu126}
     */
    public TorchVariant variant() {
        return variant;
    }

    /**
     * Returns the index to install the torch family from, and from nothing else.
     *
     * @return such as {@code https://download.pytorch.org/whl/cu126}
     */
    public String indexUrl() {
        return indexUrl;
    }

    /**
     * Returns the local version label of the variant's wheels on this platform. macOS wheels, and CPU wheels for
     * other architectures than x86-64, carry none.
     *
     * @return such as {@code cu126}, or empty when the wheels carry no label
     */
    public Optional<String> localLabel() {
        return Optional.ofNullable(localLabel);
    }

    /**
     * Returns the torch releases in the data that match the request and that the variant publishes, newest
     * first; an exact pin that the data does not list is included as given.
     *
     * @return the releases, possibly empty when the request lies beyond the data
     */
    public List<Version> releases() {
        return releases;
    }

    /**
     * Tells whether a user forced the variant.
     *
     * @return true if an override chose it
     */
    public boolean isForced() {
        return forced;
    }

    /**
     * Returns the accelerator the choice was made for.
     *
     * @return the accelerator
     */
    public Accelerator accelerator() {
        return accelerator;
    }

    /**
     * Returns a readable, multi-line account: the accelerator and its devices, the target, the releases
     * considered, every candidate variant and why it was refused, and the choice.
     *
     * @return the explanation
     */
    public String explain() {
        return explanation;
    }

    @Override
    public String toString() {
        return "VariantChoice[" + variant + " from " + dev.isoenv.internal.process.Redactor.maskUrlCredentials(indexUrl) + (localLabel == null ? "" : ", label +" + localLabel)
                + ", releases " + releases + (forced ? ", forced" : "") + "]";
    }
}
