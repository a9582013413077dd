package dev.isoenv.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares a private Python environment for a test: on a field or a parameter of type {@link dev.isoenv.Environment},
 * {@link IsoenvExtension} (registered by this annotation) ensures the environment once, and injects it.
 *
 * <pre>{@code
 * class TranscriberTest {
 *     @PythonEnvironment(python = "3.11", requirements = "tabulate==0.9.0")
 *     static Environment python;
 *
 *     @Test
 *     void printsATable() {
 *         assertEquals(0, python.run("tabulate", "--help").exitCode());
 *     }
 * }
 * }</pre>
 *
 * <p>Text values may name system properties or environment variables as {@code ${name}}, so that a CI index URL
 * need not be written into the test. Environments are kept between runs under {@code isoenv.junit.dir} (default:
 * {@code isoenv-junit} in {@code java.io.tmpdir}), so a later run finds them ready.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(IsoenvExtension.class)
public @interface PythonEnvironment {
    /**
     * The Python version, such as {@code 3.11}; empty for the machine's default Python.
     *
     * @return the version
     */
    String python() default "";

    /**
     * The requirements, in PEP 508 form.
     *
     * @return the requirements
     */
    String[] requirements() default {};

    /**
     * The package indexes: the first replaces the default index, the others are extra indexes. Empty to use the
     * machine's pip configuration.
     *
     * @return the index URLs
     */
    String[] indexUrls() default {};

    /**
     * Whether pip and uv read the machine's configuration (its mirror, find-links, constraints). Turn it off for
     * a test that must not depend on the machine.
     *
     * @return whether the machine's configuration is used
     */
    boolean inheritMachineConfiguration() default true;

    /**
     * The backend's name, such as {@code venv} or {@code uv}; empty to let isoenv choose.
     *
     * @return the backend
     */
    String backend() default "";

    /**
     * The environment's directory name under {@code isoenv.junit.dir}; empty for a name derived from the
     * declaration, so that equal declarations share one environment.
     *
     * @return the name
     */
    String name() default "";

    /**
     * How long the environment is shared.
     *
     * @return the scope
     */
    Scope scope() default Scope.CLASS;

    /** How long an environment, once ensured, is shared. */
    enum Scope {
        /** By the tests of one class: ensured before the first that needs it. */
        CLASS,
        /** By every test of the run that declares the same environment. */
        RUN
    }
}
