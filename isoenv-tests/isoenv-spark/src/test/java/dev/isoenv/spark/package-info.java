/**
 * README's "Running on Spark" recipe, run for real: an environment built with the venv backend, real pip and the
 * fixture index, packed with {@code Environment.pack}, shipped with {@code SparkContext.addArchive} or the
 * {@code spark.archives} setting, and run by {@code RDD.pipe} on every partition of a Spark in local mode started from
 * Spark's own jars. Test code only; not API.
 */
package dev.isoenv.spark;
