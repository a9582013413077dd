/**
 * Checks of compiled modules for isoenv's module tests: how a module registers its services on the module path and on
 * the class path.
 */
package dev.isoenv.testing.modules;
