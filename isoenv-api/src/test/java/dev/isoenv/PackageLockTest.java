package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real lock files (PEP 751's example, uv's and pip's output; see {@code locks/SOURCES.md}) read into the packages,
 * versions, URLs and hashes they hold, and files with values isoenv must not accept refused with a typed error that
 * names the key.
 */
class PackageLockTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(PackageLockTest.class.getResource("locks/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, PackageLock.Package> byName(PackageLock lock) {
        return lock.packages().stream().collect(Collectors.toMap(p -> p.name() + p.marker().map(m -> ";" + m)
                .orElse(""), p -> p));
    }

    @Test
    void readsPep751sExample() {
        PackageLock lock = PackageLock.read(resource("pylock.pep751-example.toml"));
        assertEquals("1.0", lock.lockVersion());
        assertEquals("mousebender", lock.createdBy());
        assertEquals("==3.12", lock.requiresPython().orElseThrow());
        assertEquals(List.of("sys_platform == 'win32'", "sys_platform == 'linux'"), lock.environments());
        assertEquals(List.of("attrs", "cattrs", "numpy"), lock.packages().stream().map(PackageLock.Package::name)
                .collect(Collectors.toList()));
        PackageLock.Package attrs = lock.packages().get(0);
        assertEquals("25.1.0", attrs.version().orElseThrow());
        assertEquals(">=3.8", attrs.requiresPython().orElseThrow());
        PackageLock.Artifact wheel = attrs.artifacts().get(0);
        assertEquals(PackageLock.Artifact.Kind.WHEEL, wheel.kind());
        assertEquals("attrs-25.1.0-py3-none-any.whl", wheel.fileName());
        assertEquals("https://files.pythonhosted.org/packages/fc/30/d4986a882011f9df997a55e6becd864812ccfcd821d64aac8570ee39f719/attrs-25.1.0-py3-none-any.whl",
                wheel.url().orElseThrow());
        assertEquals(Map.of("sha256", "c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a"), wheel.hashes());
        assertEquals(63152, wheel.size().orElseThrow());
        PackageLock.Package numpy = lock.packages().get(2);
        assertEquals(List.of("numpy-2.2.3-cp312-cp312-win_amd64.whl",
                        "numpy-2.2.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
                numpy.artifacts().stream().map(PackageLock.Artifact::fileName).collect(Collectors.toList()));
    }

    @Test
    void readsUvPipCompileOutput() {
        PackageLock lock = PackageLock.read(resource("pylock.uv-pip-compile.toml"));
        assertEquals("uv", lock.createdBy());
        assertEquals(">=3.12", lock.requiresPython().orElseThrow());
        PackageLock.Package iniconfig = lock.packages().get(0);
        assertEquals("iniconfig", iniconfig.name());
        assertEquals("2.0.0", iniconfig.version().orElseThrow());
        // Wheels first, then the sdist; uv gives no wheel name, so it is the URL's last part.
        assertEquals(List.of(PackageLock.Artifact.Kind.WHEEL, PackageLock.Artifact.Kind.SDIST), iniconfig.artifacts()
                .stream().map(PackageLock.Artifact::kind).collect(Collectors.toList()));
        assertEquals("iniconfig-2.0.0-py3-none-any.whl", iniconfig.artifacts().get(0).fileName());
        assertEquals("b6a85871a79d2e3b22d2d1b94ac2824226a63c6b741c88f7ae975f18b6778374",
                iniconfig.artifacts().get(0).hashes().get("sha256"));
        assertEquals("iniconfig-2.0.0.tar.gz", iniconfig.artifacts().get(1).fileName());
        assertEquals(4646, iniconfig.artifacts().get(1).size().orElseThrow());
    }

    @Test
    void readsUvExportOutputWithADirectoryMarkersAndFilesWithoutHashes() {
        PackageLock lock = PackageLock.read(resource("pylock.uv-export.toml"));
        Map<String, PackageLock.Package> packages = byName(lock);
        assertEquals(12, lock.packages().size());
        PackageLock.Package member = packages.get("member");
        assertTrue(member.version().isEmpty());
        assertEquals(PackageLock.Artifact.Kind.DIRECTORY, member.artifacts().get(0).kind());
        assertEquals(resource("pylock.uv-export.toml").getParent().resolve("packages/member"),
                member.artifacts().get(0).path().orElseThrow());
        PackageLock.Package cpu = packages.get("torch;sys_platform != 'darwin'");
        assertEquals("2.6.0+cpu", cpu.version().orElseThrow());
        assertEquals("https://astral-sh.github.io/pytorch-mirror/whl/cpu", cpu.index().orElseThrow());
        assertEquals("torch-2.6.0+cpu-cp312-cp312-linux_x86_64.whl", cpu.artifacts().get(0).fileName());
        assertTrue(cpu.artifacts().get(0).hashes().isEmpty());
        assertEquals("markupsafe-3.0.2-cp312-cp312-macosx_10_13_universal2.whl",
                packages.get("markupsafe").artifacts().get(0).fileName());
    }

    @Test
    void readsPipLockOutput() {
        PackageLock lock = PackageLock.read(resource("pylock.pip-lock.toml"));
        assertEquals("pip", lock.createdBy());
        PackageLock.Package p = lock.packages().get(0);
        assertEquals("simplewheel", p.name());
        assertEquals("2.0", p.version().orElseThrow());
        PackageLock.Artifact wheel = p.artifacts().get(0);
        assertEquals("simplewheel-2.0-1-py2.py3-none-any.whl", wheel.fileName());
        assertEquals("file:///tmp/piplock/tests/data/packages/simplewheel-2.0-1-py2.py3-none-any.whl",
                wheel.url().orElseThrow());
        assertEquals("71e1ca6b16ae3382a698c284013f66504f2581099b2ce4801f60e9536236ceee", wheel.hashes().get("sha256"));
    }

    private PackageLock lock(String body) throws IOException {
        Path file = dir.resolve("pylock.toml");
        Files.writeString(file, "lock-version = '1.0'\ncreated-by = 'test'\n" + body);
        return PackageLock.read(file);
    }

    private static final String HASH = "a".repeat(64);

    @Test
    void resolvesPathsAgainstTheLockFilesFolderAndKeepsTheLockImmutable() throws IOException {
        PackageLock lock = lock("[[packages]]\nname = 'Demo_Pkg'\nversion = '1.0'\n"
                + "wheels = [{path = 'wheels/demo_pkg-1.0-py3-none-any.whl', hashes = {SHA256 = '" + HASH.toUpperCase()
                + "'}}]\n");
        PackageLock.Package p = lock.packages().get(0);
        assertEquals("demo-pkg", p.name());
        assertEquals(dir.resolve("wheels/demo_pkg-1.0-py3-none-any.whl").toAbsolutePath(),
                p.artifacts().get(0).path().orElseThrow());
        assertEquals(Map.of("sha256", HASH), p.artifacts().get(0).hashes());
        assertThrows(UnsupportedOperationException.class, () -> lock.packages().clear());
        assertEquals(lock, PackageLock.read(dir.resolve("pylock.toml")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // a name that would be read as an option
            "[[packages]]\nname = '--index-url=https://evil.example'\nversion = '1.0'\n",
            // not a version
            "[[packages]]\nname = 'a'\nversion = '1.0 --pre'\n",
            // a hash with a space and an option in it
            "[[packages]]\nname = 'a'\nversion = '1.0'\nwheels = [{url = 'https://x.example/a-1.0-py3-none-any.whl', hashes = {sha256 = 'ab --no-deps'}}]\n",
            // a sha256 of the wrong length
            "[[packages]]\nname = 'a'\nversion = '1.0'\nwheels = [{url = 'https://x.example/a-1.0-py3-none-any.whl', hashes = {sha256 = 'abcd'}}]\n",
            // a URL with a space, a quote, another scheme
            "[[packages]]\nname = 'a'\nversion = '1.0'\nwheels = [{url = 'https://x.example/a b.whl', hashes = {sha256 = '" + "a" + "'}}]\n",
            "[[packages]]\nname = 'a'\nversion = '1.0'\nsdist = {url = 'https://x.example/a\"<b>.tar.gz', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}\n",
            "[[packages]]\nname = 'a'\nversion = '1.0'\nsdist = {url = 'ftp://x.example/a-1.0.tar.gz', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}\n",
            // a wheel whose name is not a wheel's
            "[[packages]]\nname = 'a'\nversion = '1.0'\nwheels = [{name = 'a.tar.gz', url = 'https://x.example/a.tar.gz', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}]\n",
            // a file without hashes, a file without a location
            "[[packages]]\nname = 'a'\nversion = '1.0'\nsdist = {url = 'https://x.example/a-1.0.tar.gz'}\n",
            "[[packages]]\nname = 'a'\nversion = '1.0'\nsdist = {hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}\n",
            // sources that exclude each other
            "[[packages]]\nname = 'a'\nversion = '1.0'\ndirectory = {path = '.'}\nsdist = {url = 'https://x.example/a-1.0.tar.gz', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}\n",
            // a marker that is not one
            "[[packages]]\nname = 'a'\nversion = '1.0'\nmarker = \"sys_platform ==\"\n",
            "requires-python = '>=banana'\npackages = []\n",
            "packages = 'a'\n",
            "[[packages]]\nversion = '1.0'\n",
    })
    void refusesValuesItMustNotPassOn(String body) {
        InvalidLockFileException e = assertThrows(InvalidLockFileException.class, () -> lock(body));
        assertTrue(e.getMessage().contains(dir.resolve("pylock.toml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("packages") || e.getMessage().contains("requires-python"), e.getMessage());
    }

    @Test
    void refusesAnotherMajorVersionAMissingCreatorAndNonToml() throws IOException {
        Path file = dir.resolve("pylock.toml");
        Files.writeString(file, "lock-version = '2.0'\ncreated-by = 'x'\npackages = []\n");
        assertTrue(assertThrows(InvalidLockFileException.class, () -> PackageLock.read(file)).getMessage()
                .contains("version 1.x only"));
        Files.writeString(file, "lock-version = '1.0'\npackages = []\n");
        assertTrue(assertThrows(InvalidLockFileException.class, () -> PackageLock.read(file)).getMessage()
                .contains("created-by is missing"));
        Files.writeString(file, "lock-version = '1.0\n[[packages\n");
        assertTrue(assertThrows(InvalidLockFileException.class, () -> PackageLock.read(file)).getMessage()
                .contains("not valid TOML"));
        assertThrows(InvalidLockFileException.class, () -> PackageLock.read(dir.resolve("missing/pylock.toml")));
    }

    @Test
    void masksCredentialsInMessagesAndDescriptions() throws IOException {
        PackageLock lock = lock("[[packages]]\nname = 'a'\nversion = '1.0'\nindex = 'https://user:s3cret@idx.example/simple'\n"
                + "wheels = [{url = 'https://user:s3cret@idx.example/a-1.0-py3-none-any.whl', hashes = {sha256 = '"
                + HASH + "'}}]\n");
        assertFalse(lock.packages().get(0).index().orElseThrow().contains("s3cret"));
        assertFalse(lock.packages().get(0).artifacts().get(0).toString().contains("s3cret"));
        InvalidLockFileException e = assertThrows(InvalidLockFileException.class, () -> lock("[[packages]]\nname = 'a'\n"
                + "version = '1.0'\nsdist = {url = 'https://user:s3cret@idx.example/a b.tar.gz', hashes = {sha256 = '"
                + HASH + "'}}\n"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aSpecificationWithALockTakesNoRequirementsOfItsOwn() throws IOException {
        PackageLock lock = lock("packages = []\n");
        EnvironmentSpec spec = EnvironmentSpec.builder(dir.resolve("env")).lockFile(lock).build();
        assertEquals(lock, spec.lockFile().orElseThrow());
        assertEquals(spec, spec.toBuilder().build());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> EnvironmentSpec.builder(dir.resolve("env")).requirement("six").lockFile(lock).build());
        assertTrue(e.getMessage().contains("takes every package from it"), e.getMessage());
    }
}
