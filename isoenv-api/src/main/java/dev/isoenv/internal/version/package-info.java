/**
 * PEP 440 versions and specifier sets, internal to isoenv and not API. Versions such as {@code 20231117} or
 * {@code 2.5.1+cu126} are parsed and ordered as PEP 440 says, never as semantic versions.
 */
package dev.isoenv.internal.version;
