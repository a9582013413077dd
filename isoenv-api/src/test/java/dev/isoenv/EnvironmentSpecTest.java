package dev.isoenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentSpecTest {

    @Test
    void isImmutableAndValidatedWhenValuesAreAdded() {
        EnvironmentSpec.Builder builder = EnvironmentSpec.builder(Path.of("envs", "a")).requirement("requests");
        EnvironmentSpec first = builder.build();
        builder.requirement("six");
        assertEquals(1, first.requirements().size(), "a built spec does not see later builder calls");
        assertThrows(UnsupportedOperationException.class, () -> first.requirements().add(Requirement.parse("x")));
        assertTrue(first.location().isAbsolute());
    }

    @Test
    void aBadRequirementInABatchAddsNone() {
        EnvironmentSpec.Builder builder = EnvironmentSpec.builder(Path.of("env"));
        assertThrows(InvalidRequirementException.class, () -> builder.requirements(List.of("six", "--pre", "requests")));
        assertEquals(List.of(), builder.build().requirements());
    }

    @Test
    void dropsDuplicateRequirementsAndKeepsOrder() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env")).requirements("b", "a", "b").build();
        assertEquals("[b, a]", spec.requirements().toString());
    }

    @Test
    void toBuilderCopiesEverything() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env")).python("3.12").requirement("a")
                .constraint("numpy<2").backend("venv").inheritMachineConfiguration(false)
                .timeouts(Timeouts.builder().install(java.time.Duration.ofMinutes(3)).build()).build();
        assertEquals(spec, spec.toBuilder().build());
        assertNotEquals(spec, spec.toBuilder().requirement("b").build());
    }

    @Test
    void rejectsBadValuesWithAdvice() {
        assertThrows(InvalidSpecException.class, () -> PythonRequest.version("python3.11"));
        assertThrows(InvalidSpecException.class, () -> PythonRequest.version("2.7"));
        assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env")).backend("no spaces!"));
        assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env")).constraint("uvicorn[standard]<1"));
        assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("/").getRoot()));
        assertThrows(InvalidSpecException.class, () -> Timeouts.builder().install(java.time.Duration.ZERO));
    }

    @Test
    void pythonVersionRequestsMatchByPrefix() {
        assertTrue(PythonRequest.version("3.11").acceptsVersion("3.11.7"));
        assertTrue(PythonRequest.version("3.11.7").acceptsVersion("3.11.7"));
        assertTrue(!PythonRequest.version("3.1").acceptsVersion("3.11.7"));
        assertTrue(PythonRequest.defaultPython().acceptsVersion("3.13.0"));
    }

    @Test
    void condaPackagesAndChannelsAreValidatedAndNeverBecomeOptions() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env"))
                .condaPackages("ffmpeg", "cuda-toolkit=12.4", "conda-forge::numpy>=1.26,<2", "libblas=*=*mkl")
                .condaChannels("conda-forge", "nvidia").build();
        assertEquals(List.of("ffmpeg", "cuda-toolkit=12.4", "conda-forge::numpy>=1.26,<2", "libblas=*=*mkl"),
                spec.condaPackages());
        assertEquals(List.of("conda-forge", "nvidia"), spec.condaChannels());
        assertEquals(List.of("conda-forge"), EnvironmentSpec.builder(Path.of("env")).build().condaChannels(),
                "conda-forge by default, never the Anaconda defaults channels");
        for (String bad : List.of("--override-channels", "-c evil", "ffmpeg; rm -rf /", "ffmpeg 6", "", "a--b",
                "$(id)")) {
            assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env")).condaPackages(bad),
                    bad);
        }
        assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env")).condaChannels("-c"));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env"))
                .condaChannels("https://user:s3cr3t@conda.example/ channel"));
        assertTrue(!e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void backendOptionsArePrefixedByTheBackendAndSingleLine() {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of("env")).backendOption("uv.link-mode", "copy")
                .backendOption("conda.path", Path.of("tools", "conda").toAbsolutePath().toString()).pythonDownloads(true).build();
        assertEquals("copy", spec.backendOptions().get("uv.link-mode"));
        assertTrue(spec.allowsPythonDownloads());
        assertThrows(InvalidSpecException.class, () -> EnvironmentSpec.builder(Path.of("env")).backendOption("path", "x"));
        assertThrows(InvalidSpecException.class,
                () -> EnvironmentSpec.builder(Path.of("env")).backendOption("uv.cache-dir", "a\nb"));
        assertEquals(spec, spec.toBuilder().build(), "toBuilder keeps every value");
    }
}
