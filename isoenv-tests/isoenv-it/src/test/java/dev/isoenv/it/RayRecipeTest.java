package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentArchive;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.IsoenvClient;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.PythonRequest;
import dev.isoenv.RunOptions;
import dev.isoenv.RunResult;
import dev.isoenv.spi.CommandRunner;
import dev.isoenv.spi.OperatingSystem;
import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.testing.python.MachineRayWheel;
import dev.isoenv.venv.VenvInstaller;
import dev.isoenv.venv.interpreter.InterpreterFinder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * isoenv's Ray recipe, run for real on request ({@code -Disoenv.ray.recipe=true}: it installs Ray twice and starts a
 * Ray node, minutes on a 2-core machine). Java builds the tool's environment (this machine's Ray wheel and the fixture
 * index's greeter), packs it, unpacks it into a folder with spaces in its path, and runs the Python driver
 * {@code ray/ray_recipe.py} on the unpacked environment's Python, with {@code RAY_ADDRESS} naming a Ray head node
 * that {@code ray start --head --block} started from a second environment, which holds Ray alone: the cluster's
 * Python. The driver's task reports, from the worker, its interpreter, its prefix, where it imported Ray from, the
 * greeter's module and what the greeter's console script printed, three ways: on the cluster's own Python (no
 * greeter), with {@code runtime_env={"py_executable": <unpacked python, quoted>}}, and with a job's {@code
 * runtime_env={"working_dir": <folder holding the archive and isoenv-ray-python.sh>, "py_executable": "sh
 * isoenv-ray-python.sh"}}, where Ray ships the archive and the node unpacks it with plain tar. The Ray wheel is found
 * through the machine's pip configuration ({@link MachineRayWheel}), never by a path written here, and Ray's
 * dependencies come from the local indexes that configuration names; where there is no such wheel, or no CPython of
 * its version, the test is skipped and says why.
 */
class RayRecipeTest extends VenvFixtureTest {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void rayWorkersRunThePackedEnvironmentUnpackedOnTheNodeOrShippedByRay() throws IOException {
        assumeTrue(Boolean.getBoolean("isoenv.ray.recipe"), "the Ray recipe runs only with -Disoenv.ray.recipe=true");
        Optional<MachineRayWheel> found = MachineRayWheel.find();
        assumeTrue(found.isPresent(), MachineRayWheel.absence());
        MachineRayWheel ray = found.get();
        String python = pythonFor(ray);
        assumeTrue(python != null, "no CPython " + String.join(" or ", ray.pythons()) + " here for Ray "
                + ray.version() + " (" + ray.wheels() + ")");

        IsoenvClient isoenv = IsoenvClient.builder().installers(List.of(new VenvInstaller()))
                .option("store.dir", workDir.resolve("store").toString()).build();
        PackageIndexes.Builder indexes = PackageIndexes.builder().indexUrl(server.indexUrl());
        ray.indexes().forEach(indexes::extraIndexUrl);
        String rayPin = "ray==" + ray.version();
        long t0 = System.nanoTime();
        Environment cluster = isoenv.ensure(EnvironmentSpec.builder(workDir.resolve("cluster")).backend("venv")
                .python(python).inheritMachineConfiguration(false).indexes(indexes.build()).requirement(rayPin)
                .build());
        long clusterBuilt = millis(t0);
        t0 = System.nanoTime();
        Environment tool = isoenv.ensure(EnvironmentSpec.builder(workDir.resolve("build").resolve("tool"))
                .backend("venv").python(python).inheritMachineConfiguration(false).indexes(indexes.build())
                .requirements(List.of(rayPin, TestPackages.GREETER + "==1.0")).build());
        long toolBuilt = millis(t0);

        t0 = System.nanoTime();
        Path ship = Files.createDirectories(workDir.resolve("ship"));
        EnvironmentArchive packed = tool.pack(ship.resolve("env.tar.gz"));
        long packMillis = millis(t0);
        copyResource("ray/isoenv-ray-python.sh", ship.resolve("isoenv-ray-python.sh"));
        Path driver = copyResource("ray/ray_recipe.py", workDir.resolve("driver").resolve("ray_recipe.py"));
        t0 = System.nanoTime();
        Environment unpacked = isoenv.unpack(packed.file(), workDir.resolve("ray node").resolve("tool env"));
        long unpackMillis = millis(t0);
        Path rayTemp = Files.createDirectories(workDir.resolve("ray"));

        // The cluster: a head node started from the cluster environment, which lacks the tool; the driver runs on
        // the unpacked environment's Python, as a user's Java program runs it, and finds the node by RAY_ADDRESS.
        t0 = System.nanoTime();
        RunResult run;
        long driverMillis;
        try (RayHead head = RayHead.start(cluster, rayTemp)) {
            long headMillis = millis(t0);
            t0 = System.nanoTime();
            run = unpacked.run(List.of("python", driver.toString(), unpacked.python().toString(), ship.toString()),
                    RunOptions.builder().environment("RAY_ADDRESS", head.address())
                            .timeout(Duration.ofMinutes(10)).build());
            driverMillis = millis(t0);
            System.out.printf("RayRecipeTest: the head node started in %.1f s%n", headMillis / 1000.0);
        }
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        Map<String, Map<String, String>> ways = new LinkedHashMap<>();
        run.stdout().lines().filter(l -> l.startsWith("{")).map(RayRecipeTest::fields)
                .forEach(f -> ways.put(f.get("way"), f));
        assertEquals(List.of("cluster", "unpacked", "shipped"), List.copyOf(ways.keySet()), run.stdout());
        String greeting = TestPackages.greeterLine("1.0", "1.1");

        // The cluster's own Python, which started the node: Ray, but not the tool.
        Map<String, String> own = ways.get("cluster");
        assertEquals(cluster.root().toRealPath(), Path.of(own.get("prefix")).toRealPath());
        assertTrue(own.get("tool").startsWith("missing: "), own.toString());

        // The environment unpacked on the node by Isoenv.unpack, at a path with spaces.
        Map<String, String> onNode = ways.get("unpacked");
        Path target = unpacked.root().toRealPath();
        assertEquals(unpacked.python().toString(), onNode.get("executable"));
        assertEquals(target, Path.of(onNode.get("prefix")).toRealPath());
        assertTrue(Path.of(onNode.get("ray_file")).toRealPath().startsWith(target), onNode.toString());
        assertTrue(Path.of(onNode.get("tool")).toRealPath().startsWith(target), onNode.toString());
        assertEquals(greeting, onNode.get("script"));
        assertEquals(ray.version(), onNode.get("ray"));

        // The archive that Ray shipped in the job's working_dir, unpacked by the launcher with tar on the node.
        Map<String, String> shipped = ways.get("shipped");
        Path prefix = Path.of(shipped.get("prefix")).toRealPath();
        assertTrue(prefix.startsWith(rayTemp.toRealPath()) && prefix.endsWith("env"), shipped.toString());
        assertEquals(Path.of(shipped.get("prefix"), "bin", "python"), Path.of(shipped.get("executable")));
        assertTrue(Path.of(shipped.get("ray_file")).toRealPath().startsWith(prefix), shipped.toString());
        assertTrue(Path.of(shipped.get("tool")).toRealPath().startsWith(prefix), shipped.toString());
        assertEquals(greeting, shipped.get("script"));

        System.out.printf("RayRecipeTest: Ray %s on Python %s; cluster env built in %.1f s, tool env in %.1f s"
                        + " (shared store); packed in %.1f s to %d MiB; unpacked in %.1f s; driver (two jobs, three"
                        + " tasks, the upload of the archive) %.1f s%n", ray.version(), python, clusterBuilt / 1000.0,
                toolBuilt / 1000.0, packMillis / 1000.0, Files.size(packed.file()) >> 20, unpackMillis / 1000.0,
                driverMillis / 1000.0);
    }

    /**
     * A Ray head node started with {@code ray start --head --block} from an environment, on free ports and with its
     * sessions in a folder of the test; closing it stops the node (SIGTERM to {@code ray start}, which stops the
     * processes it started) and then any of its processes still alive, by their ids.
     */
    private static final class RayHead implements AutoCloseable {
        private final Process process;
        private final int port;
        private final StringBuffer output = new StringBuffer();

        private RayHead(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static RayHead start(Environment env, Path temp) throws IOException {
            int port = freePort();
            // Without ray[client], as here, no client server starts; the dashboard agent's port is Ray's fixed
            // 52365 unless given.
            ProcessBuilder builder = env.processBuilder("ray", "start", "--head", "--block", "--port=" + port,
                    "--dashboard-agent-listen-port=" + freePort(), "--num-cpus=2", "--include-dashboard=false",
                    "--disable-usage-stats", "--temp-dir=" + temp)
                    .redirectErrorStream(true);
            RayHead head = new RayHead(builder.start(), port);
            head.process.getOutputStream().close();
            CountDownLatch done = new CountDownLatch(1);
            AtomicBoolean started = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(head.process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        head.output.append(line).append('\n');
                        if (line.contains("Ray runtime started")) {
                            started.set(true);
                            done.countDown();
                        }
                    }
                } catch (IOException e) {
                    head.output.append(e).append('\n');
                }
                done.countDown();
            }, "ray-head-output");
            reader.setDaemon(true);
            reader.start();
            try {
                if (!done.await(5, TimeUnit.MINUTES) || !started.get() || !head.process.isAlive()) {
                    head.close();
                    throw new AssertionError("ray start did not start a head node:\n" + head.output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                head.close();
                throw new AssertionError("interrupted", e);
            }
            return head;
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            List<ProcessHandle> started = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }

    /** The first Python version of the Ray wheels that this machine has a CPython for, or null. */
    private static String pythonFor(MachineRayWheel ray) {
        InterpreterFinder finder = new InterpreterFinder(CommandRunner.standard(), System.getenv(),
                OperatingSystem.current(), Duration.ofSeconds(30));
        for (String version : ray.pythons()) {
            try {
                finder.find(PythonRequest.version(version));
                return version;
            } catch (PythonNotFoundException e) {
                // Not installed here: the next version.
            }
        }
        return null;
    }

    private static Path copyResource(String name, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = RayRecipeTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name);
            Files.copy(in, to);
        }
        return to;
    }

    /** The string fields of one of the driver's JSON lines (every value it prints is a string). */
    private static Map<String, String> fields(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replaceAll("\\\\(.)", "$1"));
        }
        return fields;
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
