/**
 * HTTP policies, one handler each, each a thin shell around a plain class that holds the rule.
 */
package dev.tlsfront.http;
