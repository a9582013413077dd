/**
 * Where things are inside an environment on each operating system: {@link dev.isoenv.layout.EnvironmentLayout} knows the interpreter ({@code bin/python} or {@code Scripts\\python.exe}), the scripts directory, site-packages, the activation variables, and how to find an executable without the operating system's own lookup; {@link dev.isoenv.layout.DistributionScanner} reads installed distributions from their metadata without a process.
 */
package dev.isoenv.layout;
