package dev.isoenv.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Requirement;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstallPlanTest {
    private static EnvironmentSpec.Builder spec() {
        return EnvironmentSpec.builder(Path.of("env"));
    }

    @Test
    void theDirectPlanAlwaysHasOneStep() {
        // Even with nothing to install: a backend with state of its own (conda packages just removed from the
        // specification) must get the call that brings it up to date.
        List<InstallStep> empty = InstallPlan.direct(spec().build()).steps();
        assertEquals(1, empty.size());
        assertEquals(List.of(), empty.get(0).requirements());

        List<InstallStep> python = InstallPlan.direct(spec().requirement("requests").constraint("urllib3<3").build())
                .steps();
        assertEquals(1, python.size());
        assertEquals(List.of(Requirement.parse("requests")), python.get(0).requirements());
        assertEquals(List.of(Requirement.parse("urllib3<3")), python.get(0).constraints());

        // The conda backend applies a change of the conda packages in its install step, so there must be one.
        List<InstallStep> conda = InstallPlan.direct(spec().condaPackages("ffmpeg").build()).steps();
        assertEquals(1, conda.size());
        assertEquals(List.of(), conda.get(0).requirements());
    }
}
