/**
 * A self-contained Python package index for tests: {@link dev.isoenv.testing.dist.WheelBuilder} and
 * {@link dev.isoenv.testing.dist.SdistBuilder} build real, pip-installable distributions in memory,
 * {@link dev.isoenv.testing.dist.TestPackages} and {@link dev.isoenv.testing.dist.FakeTorch} make the ready-made
 * packages that isoenv's tests install (a console script, a dependency chain, several versions, packages that fail
 * to install, and PyTorch look-alikes with local version labels), {@link dev.isoenv.testing.index.PackageIndexServer}
 * serves them as PEP 503 simple indexes over HTTP on 127.0.0.1 with a request log and fault injection (Basic auth,
 * stalls, error statuses), and {@link dev.isoenv.testing.python} runs a real Python and pip against it with the
 * machine's pip configuration switched off. Nothing here depends on isoenv's own modules, and nothing reaches the
 * network beyond the loopback interface.
 */
package dev.isoenv.testing;
