/**
 * The platform an environment is built for, internal to isoenv and not API: the specification's option
 * {@code target.platform}, parsed and checked, with what pip needs to install for it.
 */
package dev.isoenv.internal.platform;
