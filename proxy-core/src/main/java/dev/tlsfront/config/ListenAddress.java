package dev.tlsfront.config;

import java.net.InetSocketAddress;

/** Where a listener binds: an IP address (or {@code localhost}) and a port, 0 meaning any free port. */
public record ListenAddress(String host, int port) {

    static final String EXPECTED = "ADDRESS:PORT such as 0.0.0.0:443, [::]:443 or 127.0.0.1:8443";

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (!HostName.isValid(host)) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: an IP address or host name)");
        }
    }

    /** Parses {@code HOST:PORT} or {@code [IPV6]:PORT}; null when the text is not one. */
    static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        String port = text.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535 || !HostName.isValid(host)) {
            return null;
        }
        return new ListenAddress(host, Integer.parseInt(port));
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
