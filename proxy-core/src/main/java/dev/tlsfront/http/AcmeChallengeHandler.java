package dev.tlsfront.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Answers {@code GET /.well-known/acme-challenge/TOKEN} on the plaintext listener (RFC 8555 §8.3):
 * with the key authorization of an order tlsfront itself has in progress, or else from certbot's
 * webroot; any other token gets 404. Every other request is passed on.
 *
 * <p>TOKEN is restricted to the base64url alphabet RFC 8555 gives tokens, so no path can leave the
 * challenge directory. The files are a few dozen bytes, read when asked for.
 */
public final class AcmeChallengeHandler extends ChannelInboundHandlerAdapter {

    static final String PREFIX = "/.well-known/acme-challenge/";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final int MAX_FILE = 16 * 1024;

    /** The answers of orders in progress: the key authorization for a token, or null. */
    public interface Answers {
        byte[] forToken(String token);
    }

    private final Answers inProcess;
    private final Optional<Path> challengeDir;
    /** True while the body pieces of a request this handler answered are still arriving. */
    private boolean swallowing;

    /** Answers from certbot's webroot only. */
    public AcmeChallengeHandler(Path webroot) {
        this(token -> null, Optional.of(webroot));
    }

    /**
     * @param inProcess tlsfront's own pending answers, asked first
     * @param webroot certbot's {@code --webroot-path}, if one is configured
     */
    public AcmeChallengeHandler(Answers inProcess, Optional<Path> webroot) {
        this.inProcess = inProcess;
        this.challengeDir = webroot.map(root -> root.resolve(".well-known").resolve("acme-challenge"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (swallowing) {
            swallowing = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpRequest request) || !request.uri().startsWith(PREFIX)
                || !(request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))) {
            ctx.fireChannelRead(msg);
            return;
        }
        swallowing = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        String token = request.uri().substring(PREFIX.length());
        int query = token.indexOf('?');
        token = query < 0 ? token : token.substring(0, query);
        ctx.writeAndFlush(serve(token));
    }

    private FullHttpResponse serve(String token) {
        byte[] body = null;
        if (TOKEN.matcher(token).matches()) {
            body = inProcess.forToken(token);
        }
        if (body == null && challengeDir.isPresent() && TOKEN.matcher(token).matches()) {
            Path file = challengeDir.get().resolve(token);
            try {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) <= MAX_FILE) {
                    body = Files.readAllBytes(file);
                }
            } catch (IOException e) {
                body = null;
            }
        }
        HttpResponseStatus status = body == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }
}
