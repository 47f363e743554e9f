/**
 * HTTP policies, each a plain class that holds the rule: one handler each, or, for the header policies
 * of every exchange, one handler running them as an ordered list ({@link dev.tlsfront.http.HeaderPolicies}).
 */
package dev.tlsfront.http;
