/**
 * Benchmarks that print ratios measured in the same run, against the anchors the project set: cold creation of an
 * environment with a working pip against {@code python -m venv}, a warm {@code ensure()} against its 5 ms budget
 * ({@link dev.isoenv.bench.EnsureBenchmark}), and the first {@code ensure()} of an existing environment in a fresh JVM
 * against its 20 ms goal, with the classes it loads ({@link dev.isoenv.bench.FirstCallBenchmark}). They are commands,
 * not tests: {@code mvn -q -DskipTests -Pbench verify}.
 */
package dev.isoenv.bench;
