/**
 * Benchmarks that print ratios measured in the same run, against the anchors the project set: cold creation of an
 * environment with a working pip against {@code python -m venv}, and a warm {@code ensure()} against its 5 ms
 * budget. They are commands, not tests: {@code mvn -q -DskipTests -Pbench verify}.
 */
package dev.isoenv.bench;
