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
}
