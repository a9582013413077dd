package dev.isoenv.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.isoenv.testing.dist.TestPackages;
import dev.isoenv.venv.VenvInstaller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Spark recipe with Spark in local mode ({@code local[2]}), as a developer or CI runs it: the packed
 * environment ({@link ToolArchive}) is shipped with {@code SparkContext.addArchive}, Spark unpacks it itself (isoenv's
 * {@code unpack} never runs), and {@code RDD.pipe} runs the environment's console script on every partition.
 *
 * <p>In local mode Spark unpacks archives into {@link SparkFiles#getRootDirectory()}, a temporary folder of the
 * driver, while the tasks run in the JVM's working directory; on a cluster each executor unpacks them into its own
 * working directory ({@link SparkClusterRecipeTest}). So the command is {@code SparkFiles.get(name) + "/bin/tool"}
 * here and {@code ./name/bin/tool} on a cluster: {@link #inEnvironment} picks one.
 */
class SparkPipeRecipeTest {
    @TempDir
    static Path work;

    private static JavaSparkContext spark;
    private static Path archive;

    @BeforeAll
    static void buildPackAndStartSpark() throws IOException {
        assumeTrue(new VenvInstaller().availability().isAvailable(), "no Python for the venv backend");
        archive = ToolArchive.build(work);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("isoenv-spark-recipe")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.local.dir", Files.createDirectories(work.resolve("spark-local")).toString());
        spark = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    /**
     * The path of a file of an archive shipped as {@code #name}, as the tasks see it: in local mode under the driver's
     * {@code SparkFiles} folder, on a cluster in the executor's working directory.
     */
    static String inEnvironment(JavaSparkContext sc, String name, String relative) {
        return (sc.isLocal() ? SparkFiles.get(name) : "./" + name) + "/" + relative;
    }

    @Test
    void addArchiveThenPipeRunsTheEnvironmentsToolOnEveryPartition() {
        // JavaSparkContext has no addArchive (Spark 3.1+); its SparkContext has.
        spark.sc().addArchive(archive.toUri() + "#env");
        String tool = inEnvironment(spark, "env", "bin/" + TestPackages.SHOUT_SCRIPT);

        List<String> lines = IntStream.rangeClosed(1, 24).mapToObj(i -> "line " + i).toList();
        JavaRDD<String> shouted = spark.parallelize(lines, 4).pipe(List.of(tool));
        List<List<String>> partitions = shouted.glom().collect();

        List<List<String>> expected = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            expected.add(ToolArchive.shouted(lines.subList(p * 6, p * 6 + 6)));
        }
        assertEquals(expected, partitions, "each of the 4 partitions piped its own 6 lines through the tool");
        assertEquals(ToolArchive.shouted(lines), shouted.collect());
        // The local-mode difference the recipe handles: nothing is unpacked into the tasks' working directory.
        assertFalse(Files.exists(Path.of("env")), "local mode unpacks into SparkFiles' folder, not ./env");
        assertTrue(Path.of(tool).isAbsolute(), tool);
    }
}
