package dev.isoenv.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's cluster form of the Spark recipe, on Spark's standalone cluster started inside the test
 * ({@code local-cluster[1,2,1024]}: a master and a worker in this JVM, the executor in a JVM of its own that the worker
 * launches in its own working directory). The packed environment ({@link ToolArchive}) is shipped with the
 * {@code spark.archives} setting, the same as {@code spark-submit --archives tool-env.tar.gz#env}; the executor
 * unpacks it as {@code ./env} in its working directory, and {@code RDD.pipe} runs {@code ./env/bin/isoenv-shout} and
 * {@code ./env/bin/python} (what {@code spark.pyspark.python=./env/bin/python} starts) there.
 *
 * <p>The worker launches the executor as a Spark distribution would, from {@code $SPARK_HOME/jars}: surefire points
 * {@code SPARK_HOME} into this module's build folder, and the test fills its {@code jars} with links to the jars of
 * its own class path, Spark's from Maven Central among them.
 */
class SparkClusterRecipeTest {
    @TempDir
    Path work;

    @Test
    void theExecutorUnpacksTheArchiveInItsWorkingDirectoryAndRunsTheToolAndPythonFromThere() throws IOException {
        assumeTrue(new VenvInstaller().availability().isAvailable(), "no Python for the venv backend");
        Path archive = ToolArchive.build(work);
        String sparkHome = System.getenv("SPARK_HOME");
        assertNotNull(sparkHome, "surefire sets SPARK_HOME to this module's target/spark-home");
        Path jars = Path.of(sparkHome).resolve("jars");
        if (Files.isDirectory(jars)) {
            try (Stream<Path> old = Files.list(jars)) {
                for (Path link : (Iterable<Path>) old::iterator) {
                    Files.delete(link);
                }
            }
        }
        Files.createDirectories(jars);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath();
            if (entry.endsWith(".jar") && !Files.exists(jars.resolve(jar.getFileName()), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        SparkConf conf = new SparkConf().setMaster("local-cluster[1,2,1024]").setAppName("isoenv-spark-cluster")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.local.dir", Files.createDirectories(work.resolve("spark-local")).toString())
                .set("spark.executor.memory", "512m")
                // Spark's launcher reads the Scala version from here when SPARK_HOME is not a Spark build tree.
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .set("spark.archives", archive.toUri() + "#env");
        JavaSparkContext spark = new JavaSparkContext(conf);
        try {
            assertFalse(spark.isLocal());
            String tool = SparkPipeRecipeTest.inEnvironment(spark, "env", "bin/" + TestPackages.SHOUT_SCRIPT);
            assertEquals("./env/bin/" + TestPackages.SHOUT_SCRIPT, tool);
            List<String> lines = IntStream.rangeClosed(1, 8).mapToObj(i -> "line " + i).toList();

            assertEquals(ToolArchive.shouted(lines), spark.parallelize(lines, 4).pipe(List.of(tool)).collect());

            // The environment's python, as PySpark's workers start it: its own prefix, its own packages.
            String script = "import os, sys, " + TestPackages.HELLO_MODULE + "\n"
                    + "for line in sys.stdin:\n"
                    + "    print(line.strip(), " + TestPackages.HELLO_MODULE + ".__version__,"
                    + " sys.prefix != sys.base_prefix, os.path.realpath(sys.prefix) == os.path.realpath('env'),"
                    + " os.path.basename(os.getcwd()))\n";
            List<String> out = spark.parallelize(List.of("a", "b"), 2)
                    .pipe(List.of("./env/bin/python", "-c", script)).collect();
            assertEquals(2, out.size(), out.toString());
            for (String line : out) {
                // The executor's working directory is the worker's folder for it, named by its id (0).
                assertTrue(line.matches("[ab] " + ToolArchive.HELLO_VERSION + " True True 0"), line);
            }
        } finally {
            spark.stop();
        }
    }
}
