package dev.tlsfront.observe;

import dev.tlsfront.http.ExchangeNotes;
import dev.tlsfront.tls.ServerTls;
import dev.tlsfront.upstream.Server;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * tlsfront's Prometheus metrics, in a registry of its own (served by the admin listener's
 * {@code /metrics}). The per-request series are resolved once here, so counting a request is a few
 * adds, no label lookup.
 */
public final class ProxyMetrics {

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final String OTHER_METHOD = "other";
    private static final int CODES = 600;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requestCounter;
    /**
     * The series of each (listener, method, status code), made on first use (so no zero-valued
     * series exist up front) and then kept, so counting a request is an array read, not a label
     * lookup: [listener][method index, METHODS.size() for other][code].
     */
    private final AtomicReferenceArray<CounterDataPoint>[][] requests;
    private final DistributionDataPoint[] durations;
    private final GaugeDataPoint[] openConnections;
    private final Counter handshakes;
    private final CounterDataPoint handshakeFailures;
    private final Counter backendFailures;
    private final AtomicReferenceArray<CounterDataPoint> redirects = new AtomicReferenceArray<>(4);
    private final Counter redirectsByStatus;
    private final CounterDataPoint cookiesSecured;
    private final CounterDataPoint locationsRewritten;
    private final CounterDataPoint[] acmeOrders = new CounterDataPoint[2];
    private final Counter proxyProtocolRefused;
    private final Counter reloads;
    private final io.prometheus.metrics.core.metrics.Gauge lastReload;

    /**
     * Per app server: whether it takes requests, requests sent to it, its failures and its open
     * connections; read from the servers at each scrape (the list changes on reload).
     */
    public void withServers(Supplier<List<Server>> servers) {
        GaugeWithCallback.builder().name("tlsfront_backend_server_up")
                .help("Whether each app server takes requests now (1) or is down or out (0)")
                .labelNames("server")
                .callback(callback -> servers.get().forEach(s -> callback.call(s.up() ? 1 : 0, s.url())))
                .register(registry);
        CounterWithCallback.builder().name("tlsfront_backend_server_requests_total")
                .help("Requests sent to each app server (retries included)")
                .labelNames("server")
                .callback(callback -> servers.get().forEach(s -> callback.call(s.requests(), s.url())))
                .register(registry);
        CounterWithCallback.builder().name("tlsfront_backend_server_failures_total")
                .help("Requests each app server failed: no connection, no or no valid answer in time")
                .labelNames("server")
                .callback(callback -> servers.get().forEach(s -> callback.call(s.failures(), s.url())))
                .register(registry);
        GaugeWithCallback.builder().name("tlsfront_backend_server_open_connections")
                .help("Connections open to each app server, in use or idle in the pool")
                .labelNames("server")
                .callback(callback -> servers.get().forEach(s -> callback.call(s.openConnections(), s.url())))
                .register(registry);
    }

    /**
     * @param certificates the certificates now served, asked at each scrape (they change on reload)
     */
    public ProxyMetrics(Supplier<List<ServerTls.LoadedCertificate>> certificates) {
        this(certificates, java.util.Map::of, java.util.Map::of);
    }

    /**
     * @param certificates the certificates now served, asked at each scrape (they change on reload)
     * @param nextRenewals when each ACME host is next renewed, asked at each scrape
     * @param hstsMaxAges each host's HSTS max-age on the ramp, when it is on
     */
    public ProxyMetrics(Supplier<List<ServerTls.LoadedCertificate>> certificates,
            Supplier<java.util.Map<String, java.time.Instant>> nextRenewals,
            Supplier<java.util.Map<String, java.time.Duration>> hstsMaxAges) {
        requestCounter = Counter.builder().name("tlsfront_requests_total")
                .help("Requests answered, by listener, method and status code")
                .labelNames("listener", "method", "code").withoutExemplars().register(registry);
        Listener[] listeners = Listener.values();
        @SuppressWarnings("unchecked")
        AtomicReferenceArray<CounterDataPoint>[][] series = new AtomicReferenceArray[listeners.length][METHODS.size() + 1];
        for (Listener listener : listeners) {
            for (int m = 0; m <= METHODS.size(); m++) {
                series[listener.ordinal()][m] = new AtomicReferenceArray<>(CODES);
            }
        }
        requests = series;
        Histogram duration = Histogram.builder().name("tlsfront_request_duration_seconds")
                .help("From a request head's arrival to its response's end").unit(Unit.SECONDS)
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .labelNames("listener").withoutExemplars().register(registry);
        durations = new DistributionDataPoint[listeners.length];
        Gauge open = Gauge.builder().name("tlsfront_open_connections").help("Client connections open now")
                .labelNames("listener").withoutExemplars().register(registry);
        openConnections = new GaugeDataPoint[listeners.length];
        for (Listener listener : listeners) {
            durations[listener.ordinal()] = duration.labelValues(listener.label());
            openConnections[listener.ordinal()] = open.labelValues(listener.label());
        }
        handshakes = Counter.builder().name("tlsfront_tls_handshakes_total")
                .help("Completed TLS handshakes, by protocol and cipher suite")
                .labelNames("protocol", "cipher").withoutExemplars().register(registry);
        handshakeFailures = Counter.builder().name("tlsfront_tls_handshake_failures_total")
                .help("TLS handshakes that failed or timed out").withoutExemplars().register(registry).labelValues();
        backendFailures = Counter.builder().name("tlsfront_backend_failures_total")
                .help("Exchanges the backend failed: connect, closed, invalid_response, timeout or no_server")
                .labelNames("reason").withoutExemplars().register(registry);
        for (ExchangeNotes.BackendFailure failure : ExchangeNotes.BackendFailure.values()) {
            backendFailures.initLabelValues(failure.label());
        }
        redirectsByStatus = Counter.builder().name("tlsfront_redirects_total")
                .help("Redirects to HTTPS served by the plaintext listener, by status")
                .labelNames("code").withoutExemplars().register(registry);

        cookiesSecured = Counter.builder().name("tlsfront_cookies_rewritten_total")
                .help("Set-Cookie lines from the backend that tlsfront made Secure (or otherwise changed)")
                .withoutExemplars().register(registry).labelValues();
        locationsRewritten = Counter.builder().name("tlsfront_locations_rewritten_total")
                .help("Location, Content-Location and Refresh headers rewritten from http:// to https://")
                .withoutExemplars().register(registry).labelValues();
        GaugeWithCallback.builder().name("tlsfront_certificate_expiry_timestamp_seconds")
                .help("When each served certificate expires (Unix time)")
                .labelNames("file", "names")
                .callback(callback -> {
                    for (ServerTls.LoadedCertificate certificate : certificates.get()) {
                        callback.call(certificate.info().notAfter().getEpochSecond(), certificate.file().toString(),
                                String.join(",", certificate.info().names()));
                    }
                })
                .register(registry);
        proxyProtocolRefused = Counter.builder().name("tlsfront_proxy_protocol_refused_total")
                .help("Connections closed by the PROXY protocol check: untrusted source, invalid header or none in time")
                .labelNames("listener", "reason").withoutExemplars().register(registry);
        reloads = Counter.builder().name("tlsfront_config_reloads_total")
                .help("Reloads of the config and certificates (SIGHUP, replaced files), by result: applied or failed")
                .labelNames("result").withoutExemplars().register(registry);
        lastReload = io.prometheus.metrics.core.metrics.Gauge.builder()
                .name("tlsfront_config_last_reload_success_timestamp_seconds")
                .help("When the config and certificates were last loaded successfully (start or reload), Unix time")
                .withoutExemplars().register(registry);
        lastReload.set(System.currentTimeMillis() / 1000.0);
        Counter orders = Counter.builder().name("tlsfront_acme_orders_total")
                .help("ACME certificate orders, by result: issued or failed")
                .labelNames("result").withoutExemplars().register(registry);
        acmeOrders[0] = orders.labelValues("issued");
        acmeOrders[1] = orders.labelValues("failed");
        GaugeWithCallback.builder().name("tlsfront_acme_next_renewal_timestamp_seconds")
                .help("When each ACME host's certificate is next renewed, or its order retried (Unix time)")
                .labelNames("host")
                .callback(callback -> nextRenewals.get().forEach((host, at) -> callback.call(at.getEpochSecond(), host)))
                .register(registry);
        GaugeWithCallback.builder().name("tlsfront_hsts_max_age_seconds")
                .help("The HSTS max-age each host is sent now, with https.hsts.ramp on")
                .labelNames("host")
                .callback(callback -> hstsMaxAges.get().forEach((host, age) -> callback.call(age.toSeconds(), host)))
                .register(registry);
    }

    /** A connection the PROXY protocol check closed; {@code reason} is untrusted, invalid or timeout. */
    public void proxyProtocolRefused(Listener listener, String reason) {
        proxyProtocolRefused.labelValues(listener.label(), reason).inc();
    }

    /** A reload ended, {@code applied} or not. */
    public void reloaded(boolean applied) {
        reloads.labelValues(applied ? "applied" : "failed").inc();
        if (applied) {
            lastReload.set(System.currentTimeMillis() / 1000.0);
        }
    }

    /** For automatic certificates: an order ended. */
    public void acmeOrderEnded(boolean issued) {
        acmeOrders[issued ? 0 : 1].inc();
    }

    /** Adds the JVM's own metrics (memory, GC, threads); done only when something will read them. */
    public ProxyMetrics withJvmMetrics() {
        JvmMetrics.builder().register(registry);
        return this;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    void request(Listener listener, String method, int status, long nanos) {
        if (status >= 100 && status < CODES) {
            int m = methodIndex(method);
            AtomicReferenceArray<CounterDataPoint> byCode = requests[listener.ordinal()][m];
            CounterDataPoint point = byCode.get(status);
            if (point == null) {
                point = requestCounter.labelValues(listener.label(), m < METHODS.size() ? METHODS.get(m) : OTHER_METHOD,
                        Integer.toString(status));
                byCode.set(status, point);
            }
            point.inc();
        }
        durations[listener.ordinal()].observe(nanos / 1e9);
        if (listener == Listener.HTTP && status >= 301 && status <= 308) {
            redirect(status).inc();
        }
    }

    /** The series of a redirect status, made on first use. */
    private CounterDataPoint redirect(int status) {
        int i = switch (status) {
            case 301 -> 0;
            case 302 -> 1;
            case 307 -> 2;
            case 308 -> 3;
            default -> -1;
        };
        if (i < 0) {
            return redirectsByStatus.labelValues(Integer.toString(status));
        }
        CounterDataPoint point = redirects.get(i);
        if (point == null) {
            point = redirectsByStatus.labelValues(Integer.toString(status));
            redirects.set(i, point);
        }
        return point;
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.size(); i++) {
            if (METHODS.get(i).equals(method)) {
                return i;
            }
        }
        return METHODS.size();
    }

    void connectionOpened(Listener listener) {
        openConnections[listener.ordinal()].inc();
    }

    void connectionClosed(Listener listener) {
        openConnections[listener.ordinal()].dec();
    }

    void handshake(String protocol, String cipher) {
        handshakes.labelValues(protocol, cipher).inc();
    }

    void handshakeFailed() {
        handshakeFailures.inc();
    }

    void backendFailure(ExchangeNotes.BackendFailure why) {
        backendFailures.labelValues(why.label()).inc();
    }

    /** One Set-Cookie line changed by the Secure-cookies policy. */
    public void cookieRewritten() {
        cookiesSecured.inc();
    }

    /** One Location, Content-Location or Refresh header rewritten to https. */
    public void locationRewritten() {
        locationsRewritten.inc();
    }
}
