/**
 * File problems in words a user can act on, and where isoenv keeps its per-user cache; internal to isoenv and not
 * API.
 */
package dev.isoenv.internal.io;
