package dev.isoenv.demo;

import dev.isoenv.BackendCandidate;
import dev.isoenv.EnsureEvent;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One small program that does not know which backends exist: it lists the backends found on its class path, ensures
 * an empty environment at the directory it is given, and says which backend built it and why. Run with different
 * backend jars on the class path, it shows that swapping jars swaps the backend with no code change.
 */
public final class WhichBackend {
    private WhichBackend() {
    }

    /**
     * Runs the program.
     *
     * @param args the environment's directory
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        IsoenvClient isoenv = IsoenvClient.builder().listener(event -> {
            if (event instanceof EnsureEvent.BackendChosen) {
                EnsureEvent.BackendChosen chosen = (EnsureEvent.BackendChosen) event;
                out.println("chose " + chosen.backend() + ": " + chosen.reason());
            }
        }).build();
        for (BackendCandidate c : isoenv.backends()) {
            out.println("backend " + c.name() + " " + (c.availability().isAvailable() ? "available" : "unavailable")
                    + ": " + c.availability().detail());
        }
        isoenv.ensure(EnvironmentSpec.builder(Path.of(args[0])).build());
        out.println("ready");
    }
}
