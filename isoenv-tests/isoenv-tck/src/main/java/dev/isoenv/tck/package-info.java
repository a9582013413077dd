/**
 * The conformance kit for isoenv backends. {@link dev.isoenv.tck.InstallerConformanceSuite} is an abstract JUnit
 * class that checks the {@link dev.isoenv.spi.Installer} contract directly, without isoenv's engine: it makes its own
 * {@link dev.isoenv.spi.BackendContext}, serves its own PEP 503 index on 127.0.0.1 with wheels it builds, and calls
 * {@code prepare}, {@code create}, {@code install}, {@code uninstall} and {@code list} against a real Python. Its tests
 * are grouped by operation, as {@link org.junit.jupiter.api.Nested} classes: {@code create()}, {@code install()},
 * {@code uninstall()}, {@code list()}, activation variables, and run.
 *
 * <h2>Using it for a backend outside this repository</h2>
 *
 * <p>Add the kit in test scope, next to a JUnit engine (the kit brings JUnit's API, isoenv-api and the fixtures,
 * and no backend):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.isoenv</groupId>
 *   <artifactId>isoenv-tck</artifactId>
 *   <version>${isoenv.version}</version>
 *   <scope>test</scope>
 * </dependency>
 * <dependency>
 *   <groupId>org.junit.jupiter</groupId>
 *   <artifactId>junit-jupiter-engine</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>then extend the kit and return the backend:
 *
 * <pre>{@code
 * class MyInstallerConformanceTest extends InstallerConformanceSuite {
 *     @Override
 *     protected Installer installer() {
 *         return new MyInstaller();
 *     }
 * }
 * }</pre>
 *
 * <p>Override {@code python()} to build on another Python, {@code supportsEnvironmentsWithoutPip()} when the
 * backend always provides pip, {@code resolvesWithoutInstalling()} when it implements {@code resolve()},
 * {@code processEnvironment()} to hand the backend other variables, or {@code spec(String)} to adjust every
 * specification (timeouts, say). When the backend's
 * {@code availability()} says it cannot work on the machine, the tests are skipped with its reason. The tests need
 * CPython 3.8 or newer that the backend can use, and no network beyond the loopback interface. With Surefire, the
 * nested groups run with their enclosing class; a {@code -Dtest} filter must include them, as in
 * {@code -Dtest='MyInstallerConformanceTest*'}.
 */
package dev.isoenv.tck;
