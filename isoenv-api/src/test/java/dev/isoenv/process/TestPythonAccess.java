package dev.isoenv.process;

/** Gives tests in other packages the Python that {@link TestPython} found. */
public final class TestPythonAccess {
    private TestPythonAccess() {
    }

    /**
     * Returns the command of a working Python 3.8+.
     *
     * @return {@code python3} or {@code python}
     */
    public static String command() {
        return TestPython.command();
    }
}
