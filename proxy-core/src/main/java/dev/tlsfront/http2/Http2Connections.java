package dev.tlsfront.http2;

import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;

/**
 * The HTTP/2 connection codec as tlsfront runs it, every limit set explicitly rather than left to
 * the library's defaults (RFC 9113 §10.5, and the attacks since: rapid reset CVE-2023-44487,
 * CONTINUATION flood 2024, "made you reset" CVE-2025-8671).
 */
public final class Http2Connections {

    /** SETTINGS_MAX_CONCURRENT_STREAMS: what browsers need (they open 6-100), no more. */
    public static final int MAX_CONCURRENT_STREAMS = 100;
    /** Client RST_STREAMs allowed per window before the connection is closed (rapid reset). */
    public static final int MAX_CLIENT_RESETS = 200;
    /** Resets tlsfront may be made to send per window (made-you-reset). */
    public static final int MAX_SERVER_RESETS = 200;
    public static final int RESET_WINDOW_SECONDS = 30;
    /** Small (under 8 KiB) CONTINUATION frames allowed per header block. */
    public static final int MAX_SMALL_CONTINUATIONS = 16;
    /** DATA frames without payload or end of stream in a row (there is no use for them). */
    public static final int MAX_EMPTY_DATA_FRAMES = 2;
    /** Control frames (PING and SETTINGS acks, RST_STREAM) queued unwritten because the client does not read. */
    public static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;

    private Http2Connections() {}

    /**
     * @param maxHeaderListSize SETTINGS_MAX_HEADER_LIST_SIZE; a larger header block gets 431
     * @param drainTimeout how long open streams may take to finish once GOAWAY is sent on shutdown
     */
    public static Http2FrameCodec serverCodec(int maxHeaderListSize, Duration drainTimeout) {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(maxHeaderListSize))
                .validateHeaders(true)  // includes refusing connection-specific fields (RFC 9113 §8.2.2)
                .decoderEnforceMaxRstFramesPerWindow(MAX_CLIENT_RESETS, RESET_WINDOW_SECONDS)
                .encoderEnforceMaxRstFramesPerWindow(MAX_SERVER_RESETS, RESET_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .gracefulShutdownTimeoutMillis(drainTimeout.toMillis())
                .build();
    }
}
