/**
 * What operators see of the traffic: one access-log line and one set of metric updates per
 * exchange, from a single observing handler per connection ({@link dev.tlsfront.observe.ExchangeObserverHandler}).
 */
package dev.tlsfront.observe;
