package dev.isoenv.cuda.data;

import dev.isoenv.cuda.config.Settings;
import java.util.Objects;

/**
 * Supplies the {@link TorchData} to choose variants from. {@link #system()} reads the settings of this JVM
 * (a user data file through {@code isoenv.torch.data}, a mirror through {@code isoenv.torch.index-url}) and
 * caches the result until a setting or a file changes; tests use {@link #of(TorchData)}.
 */
@FunctionalInterface
public interface TorchDataSource {
    /**
     * Returns the data.
     *
     * @return the data
     * @throws dev.isoenv.InvalidSpecException if a user file or setting is not valid
     */
    TorchData load();

    /**
     * Tells whether the data of this source may name torch-family distributions beyond
     * {@link TorchData#BUILT_IN_TORCH_FAMILY}, so that a specification naming none of those must still load the
     * data to be sure. It must answer without loading the data; a source that cannot tell says true.
     *
     * @return false when the torch family is at most the built-in one
     */
    default boolean mayExtendTorchFamily() {
        return true;
    }

    /**
     * Returns the source that reads this JVM's system properties and environment variables.
     *
     * @return the system source
     */
    static TorchDataSource system() {
        return SettingsTorchDataSource.SYSTEM;
    }

    /**
     * Returns a source that reads explicit settings, caching like {@link #system()}.
     *
     * @param settings the settings to read
     * @return the source
     */
    static TorchDataSource fromSettings(Settings settings) {
        return new SettingsTorchDataSource(() -> settings);
    }

    /**
     * Returns a source of fixed data.
     *
     * @param data the data
     * @return the source
     */
    static TorchDataSource of(TorchData data) {
        Objects.requireNonNull(data, "data");
        boolean extended = !TorchData.BUILT_IN_TORCH_FAMILY.containsAll(data.torchFamily());
        return new TorchDataSource() {
            @Override
            public TorchData load() {
                return data;
            }

            @Override
            public boolean mayExtendTorchFamily() {
                return extended;
            }
        };
    }
}
