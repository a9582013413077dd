/**
 * File problems in words a user can act on, internal to isoenv and not API.
 */
package dev.isoenv.internal.io;
