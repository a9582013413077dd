package dev.isoenv.cuda.data;

import dev.isoenv.InvalidSpecException;
import dev.isoenv.cuda.config.Setting;
import dev.isoenv.cuda.config.Settings;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads {@link TorchData} as the settings say: the built-in data, with the file or the {@code .tsv} files of the
 * directory named by {@link Setting#TORCH_DATA} over it, and the index pattern of {@link Setting#TORCH_INDEX_URL}
 * on top. The result is kept until a setting, or the size or modification time of a data file, changes, so
 * that a warm {@code ensure()} only reads the settings and the files' attributes.
 */
final class SettingsTorchDataSource implements TorchDataSource {
    static final SettingsTorchDataSource SYSTEM = new SettingsTorchDataSource(Settings::system);

    private final Supplier<Settings> settings;
    private volatile Cached cached;

    SettingsTorchDataSource(Supplier<Settings> settings) {
        this.settings = settings;
    }

    @Override
    public TorchData load() {
        Settings s = settings.get();
        Optional<Settings.Value> dataSetting = s.lookup(Setting.TORCH_DATA);
        Optional<Settings.Value> indexSetting = s.lookup(Setting.TORCH_INDEX_URL);
        List<Path> files = dataSetting.map(SettingsTorchDataSource::files).orElse(List.of());
        String key = key(dataSetting, indexSetting, files);
        Cached c = cached;
        if (c != null && c.key.equals(key)) {
            return c.data;
        }
        TorchData data = files.isEmpty() ? TorchData.builtIn() : TorchData.withOverrides(files);
        if (indexSetting.isPresent()) {
            data = data.withIndexUrlPattern(indexSetting.get().value(), indexSetting.get().source());
        }
        cached = new Cached(key, data);
        return data;
    }

    /** Only a user data file can add torch-family names; reading the setting does not load anything. */
    @Override
    public boolean mayExtendTorchFamily() {
        return settings.get().lookup(Setting.TORCH_DATA).isPresent();
    }

    private static List<Path> files(Settings.Value setting) {
        Path path;
        try {
            path = Path.of(setting.value());
        } catch (InvalidPathException e) {
            throw new InvalidSpecException("The " + setting.source() + " value '" + setting.value()
                    + "' is not a valid path: " + e.getReason() + ".");
        }
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new InvalidSpecException("The " + setting.source() + " points at " + path + ", which does not exist."
                    + " Name a PyTorch variant data file, or a directory of .tsv data files, or unset it.");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, "*.tsv")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            throw new InvalidSpecException("Cannot list the PyTorch variant data directory " + path + " from "
                    + setting.source() + ": " + e + ".");
        }
        if (files.isEmpty()) {
            throw new InvalidSpecException("The PyTorch variant data directory " + path + " from " + setting.source()
                    + " holds no .tsv file.");
        }
        files.sort(null);
        return files;
    }

    private static String key(Optional<Settings.Value> data, Optional<Settings.Value> index, List<Path> files) {
        StringBuilder b = new StringBuilder();
        b.append(data.map(Settings.Value::value).orElse("")).append('\n');
        b.append(index.map(Settings.Value::value).orElse("")).append('\n');
        for (Path f : files) {
            b.append(f).append('|');
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                b.append(a.size()).append('|').append(a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                b.append("unreadable");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static final class Cached {
        final String key;
        final TorchData data;

        Cached(String key, TorchData data) {
            this.key = key;
            this.data = data;
        }
    }
}
