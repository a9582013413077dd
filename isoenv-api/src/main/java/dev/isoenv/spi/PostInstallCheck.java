package dev.isoenv.spi;

import dev.isoenv.Environment;

/**
 * A check that runs after every step of a plan succeeded and before the environment is recorded as complete,
 * such as "the installed torch is the CUDA 12.6 build and sees the GPU".
 */
@FunctionalInterface
public interface PostInstallCheck {
    /**
     * Verifies the environment.
     *
     * @param environment the installed environment
     * @throws dev.isoenv.VerificationException if it does not have what was asked for
     */
    void verify(Environment environment);

    /**
     * Describes what the check verifies, for progress events, such as "torch is the cu126 build and sees the GPU".
     *
     * @return the description
     */
    default String description() {
        return getClass().getSimpleName();
    }
}
