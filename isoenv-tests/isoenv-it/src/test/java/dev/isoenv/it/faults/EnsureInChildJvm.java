package dev.isoenv.it.faults;

import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * A program that the fault tests start in a child JVM and kill: it ensures an environment with the venv backend, the
 * machine's default Python and one fixture index, and prints {@code ensuring} first and {@code ready} at the end.
 */
public final class EnsureInChildJvm {
    private EnsureInChildJvm() {
    }

    /**
     * Runs the program.
     *
     * @param args the environment's directory, the index URL, then the requirements
     */
    public static void main(String[] args) {
        EnvironmentSpec spec = EnvironmentSpec.builder(Path.of(args[0]))
                .python(PythonRequest.defaultPython())
                .backend("venv")
                .inheritMachineConfiguration(false)
                .indexes(PackageIndexes.builder().indexUrl(args[1]).build())
                .requirements(List.of(args).subList(2, args.length))
                .build();
        System.out.println("ensuring");
        IsoenvClient.builder().build().ensure(spec);
        System.out.println("ready");
    }
}
