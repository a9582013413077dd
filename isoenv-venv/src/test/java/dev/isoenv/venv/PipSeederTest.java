package dev.isoenv.venv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The pip console scripts the venv backend writes must run whatever the environment's path looks like. */
class PipSeederTest {
    @Test
    void consoleScriptsUseATrampolineForPathsWithSpacesOrTooLong() {
        assertTrue(PipSeeder.consoleScript(Path.of("/envs/a/bin/python")).startsWith("#!/envs/a/bin/python\n"));
        String spaced = PipSeeder.consoleScript(Path.of("/my envs/a/bin/python"));
        assertTrue(spaced.startsWith("#!/bin/sh\n'''exec' \"/my envs/a/bin/python\" \"$0\" \"$@\"\n"), spaced);
        String longPath = "/" + "d".repeat(130) + "/bin/python";
        assertTrue(PipSeeder.consoleScript(Path.of(longPath)).startsWith("#!/bin/sh\n"));
    }
}
