/**
 * The configuration: immutable records, loaded and validated once from YAML.
 *
 * <p>{@link dev.tlsfront.config.ConfigLoader} is the only place that reads the config file and the
 * environment. Every problem it finds is reported as {@code FILE:LINE:COLUMN: key.path: problem
 * (expected: ...)}, all of them at once, so a user can fix a file in one pass.
 */
package dev.tlsfront.config;
