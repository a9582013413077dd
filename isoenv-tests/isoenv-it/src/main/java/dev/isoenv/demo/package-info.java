/**
 * The demo that README's first command runs: it creates a private environment, installs a small real package from
 * the machine's configured pip index, runs the package's console script, and prints each step with its timing.
 */
package dev.isoenv.demo;
