package dev.isoenv.demo;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the environment's Python with {@link RunOptions.Builder#inheritIO()}: it reads this JVM's standard input and
 * writes to this JVM's output, and this program then prints how much the result captured. The integration tests run
 * it in a child JVM, whose standard streams they own.
 */
public final class InteractiveRun {
    private InteractiveRun() {
    }

    /**
     * Ensures an environment without pip at {@code args[0]} with the venv backend and runs its Python there.
     *
     * @param args the environment's location
     */
    public static void main(String[] args) {
        Environment env = IsoenvClient.create().ensure(EnvironmentSpec.builder(Path.of(args[0])).backend("venv")
                .pip(false).inheritMachineConfiguration(false).build());
        RunResult result = env.run(List.of("python", "-c", "import sys; line = sys.stdin.readline().strip();"
                + " print('python at ' + sys.prefix + ' read ' + line); sys.stdout.flush()"),
                RunOptions.builder().inheritIO().build());
        System.out.println("exit " + result.exitCode() + ", captured " + result.stdout().length() + "+"
                + result.stderr().length());
    }
}
