package dev.tlsfront.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: 0-" + network.length * 8 + ")");
        }
    }

    /** Parses {@code ADDRESS[/PREFIX]} written with an IP literal; null when it is not one. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!address.matches("[0-9A-Fa-f:.]+") || address.indexOf('.') < 0 && address.indexOf(':') < 0) {
            return null;  // only literals: never a DNS lookup
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                return null;
            }
            return new Cidr(bytes, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }

    /** Whether {@code address} is in this network (IPv4 and IPv6 never match each other). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest);
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && other.prefix == prefix && java.util.Arrays.equals(other.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
