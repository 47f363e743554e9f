package dev.tlsfront.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** Raw HTTP bytes in, raw HTTP bytes out, through a channel whose pipeline starts with a server codec. */
public final class EmbeddedHttp {
    private EmbeddedHttp() {}

    /** Writes {@code request} (ISO-8859-1) inbound and returns everything written outbound since. */
    public static String exchange(EmbeddedChannel channel, String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}
