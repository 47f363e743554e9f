/**
 * The words for what went wrong, as an operator reads them: every log line, health answer and
 * command output that reports a failure to reach something says it through {@link
 * dev.tlsfront.failures.FailureText}, so no Java or Netty name reaches a person. Below every other
 * package, so that each may use it.
 */
package dev.tlsfront.failures;
