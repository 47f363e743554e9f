package dev.tlsfront.tls;

import dev.tlsfront.config.HttpsListenerConfig;
import dev.tlsfront.config.HttpsListenerConfig.CertificateConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener's server contexts, one per certificate, and the SNI choice among them for each
 * connection. Certificates come from files (or the self-signed one) and from {@link
 * ManagedCertificates} (ACME). Immutable: a reload, or a certificate issued, builds a new one.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** BoringSSL through netty-tcnative where it loads; the JDK's TLS otherwise. */
    public static final SslProvider PROVIDER = chooseProvider();
    /** The ALPN protocol of tls-alpn-01 validation connections (RFC 8737 §6.2). */
    public static final String ACME_TLS_1 = "acme-tls/1";

    private final Map<String, ByKeyType> exact;
    private final Map<String, ByKeyType> wildcard;
    private final ByKeyType fallback;
    private final boolean tls13;
    private final List<LoadedCertificate> certificates;
    private final Map<SslContext, CoveredHosts> covered = new IdentityHashMap<>();
    private final ManagedCertificates managed;
    private final Set<String> waiting;
    private final long handshakeTimeoutMillis;
    private final List<String> warnings;
    private final boolean ticketsOff;
    private final Map<SslContext, X509Certificate> leaves;
    private final OcspStaples staples;

    private ServerTls(List<LoadedCertificate> certificates, SslContext fallback, List<String> hosts,
            ManagedCertificates managed, long handshakeTimeoutMillis, List<String> warnings, boolean ticketsOff,
            boolean tls13, Map<SslContext, X509Certificate> leaves, OcspStaples staples) {
        this.leaves = leaves;
        this.staples = staples;
        this.warnings = List.copyOf(warnings);
        this.ticketsOff = ticketsOff;
        this.certificates = List.copyOf(certificates);
        Map<String, ByKeyType> exact = new HashMap<>();
        Map<String, ByKeyType> wildcard = new HashMap<>();
        ByKeyType fallbackChoice = null;
        for (LoadedCertificate certificate : certificates) {
            covered.put(certificate.context(), CoveredHosts.of(certificate.info(), hosts));
            String keyType = certificate.info().keyType();
            for (String name : certificate.info().names()) {
                // The first certificate that names a host serves it; a second of the other key type
                // serves the clients that cannot take the first.
                if (name.startsWith("*.")) {
                    wildcard.merge(name.substring(2), ByKeyType.of(certificate.context(), keyType), ByKeyType::with);
                } else if (name.indexOf(':') < 0 && !name.matches("[0-9.]+")) {
                    exact.merge(name, ByKeyType.of(certificate.context(), keyType), ByKeyType::with);
                }
            }
        }
        if (fallback != null) {
            for (LoadedCertificate certificate : certificates) {
                if (certificate.context() == fallback) {
                    fallbackChoice = certificate.info().names().stream().map(exact::get).filter(java.util.Objects::nonNull)
                            .findFirst().orElse(ByKeyType.of(fallback, certificate.info().keyType()));
                }
            }
        }
        this.exact = Map.copyOf(exact);
        this.wildcard = Map.copyOf(wildcard);
        this.fallback = fallbackChoice;
        this.tls13 = tls13;
        this.managed = managed;
        this.waiting = Set.copyOf(managed.waiting());
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** A certificate as loaded: where it came from and what it says. */
    public record LoadedCertificate(Path file, CertificateInfo info, SslContext context) {}

    /** {@link #load(HttpsListenerConfig, List, Clock, ManagedCertificates)} with certificates from files only. */
    public static ServerTls load(HttpsListenerConfig config, List<String> hosts, Clock clock) throws IOException {
        return load(config, hosts, clock, ManagedCertificates.NONE);
    }

    /**
     * Reads every certificate and key of the listener (or makes the self-signed one), checks that
     * each key matches its certificate, adds the managed ones, and builds the contexts. Clients that
     * send no SNI get the first file certificate, or else the managed one of the first host that has one.
     *
     * @param hosts the site's names, for the self-signed certificate and the 421 rule
     */
    public static ServerTls load(HttpsListenerConfig config, List<String> hosts, Clock clock,
            ManagedCertificates managed) throws IOException {
        return load(config, hosts, host -> "", clock, managed, TlsRuntime.loadingOnly(clock));
    }

    /**
     * As {@link #load(HttpsListenerConfig, List, Clock, ManagedCertificates)}, with where each host was
     * written ({@code "FILE:LINE:COLUMN: "}) to start the messages of {@link CertificateChecks}.
     *
     * @throws IOException with every error found (one per line) when any certificate cannot be served
     */
    public static ServerTls load(HttpsListenerConfig config, List<String> hosts,
            java.util.function.Function<String, String> hostPosition, Clock clock, ManagedCertificates managed,
            TlsRuntime runtime) throws IOException {
        List<OpenSslSessionTicketKey> ticketKeys = runtime.tickets().keysFor(config.sessionTickets());
        Map<SslContext, X509Certificate> leaves = new IdentityHashMap<>();
        List<LoadedCertificate> loaded = new ArrayList<>();
        List<CertificateChecks.Entry> entries = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (CertificateConfig source : fileSources(config, hosts, clock)) {
            try {
                KeyMaterial material = readOne(source);
                entries.add(new CertificateChecks.Entry(source.where(), source.cert(), material.chain()));
                LoadedCertificate certificate = fromMaterial(material, config, ticketKeys);
                loaded.add(certificate);
                leaves.put(certificate.context(), material.leaf());
                runtime.staples().track(material.chain());
            } catch (IOException e) {
                errors.add(source.where() + ": " + e.getMessage());
            }
        }
        List<CertificateChecks.Finding> findings = new ArrayList<>();
        if (errors.isEmpty()) {
            findings.addAll(CertificateChecks.of(entries, hosts, hostPosition,
                    config.acme().isPresent() || config.selfSignedDir().isPresent(), clock.instant()));
        }
        findings.stream().filter(CertificateChecks.Finding::error).forEach(f -> errors.add(f.message()));
        if (!errors.isEmpty()) {
            throw new IOException(String.join(System.lineSeparator(), errors));
        }
        SslContext fallback = loaded.isEmpty() ? null : loaded.get(0).context();
        Map<String, KeyMaterial> issued = managed.issued();
        for (String host : hosts) {
            KeyMaterial material = issued.get(host);
            if (material != null) {
                LoadedCertificate certificate = fromMaterial(material, config, ticketKeys);
                loaded.add(certificate);
                leaves.put(certificate.context(), material.leaf());
                runtime.staples().track(material.chain());
                fallback = fallback != null ? fallback : certificate.context();
            }
        }
        return new ServerTls(loaded, fallback, hosts, managed, config.tls().handshakeTimeout().toMillis(),
                findings.stream().filter(f -> !f.error()).map(CertificateChecks.Finding::toString).toList(),
                !config.sessionTickets().enabled(), config.tls().protocols().contains("TLSv1.3"), leaves, runtime.staples());
    }

    /**
     * The listener's certificates for {@code config}, messages placed at the config's positions;
     * {@code runtime} holds what outlives the load: ticket keys and OCSP staples.
     */
    public static ServerTls load(dev.tlsfront.config.ProxyConfig config, Clock clock, ManagedCertificates managed,
            TlsRuntime runtime) throws IOException {
        return load(config.https(), config.hosts(), config::at, clock, managed, runtime);
    }

    /** Gives every context these ticket keys (after a rotation); the first encrypts, all decrypt. */
    public void useTicketKeys(List<OpenSslSessionTicketKey> keys) {
        for (LoadedCertificate certificate : certificates) {
            applyTicketKeys(certificate.context(), keys);
        }
    }

    private static void applyTicketKeys(SslContext context, List<OpenSslSessionTicketKey> keys) {
        if (!keys.isEmpty() && context.sessionContext() instanceof OpenSslSessionContext sessions) {
            sessions.setTicketKeys(keys.toArray(OpenSslSessionTicketKey[]::new));
        }
    }

    /** What the certificate checks warn of (a missing intermediate, a close expiry, no host named). */
    public List<String> warnings() {
        return warnings;
    }

    /** The certificate files the config names, or the self-signed pair (made now if need be). */
    private static List<CertificateConfig> fileSources(HttpsListenerConfig config, List<String> hosts, Clock clock)
            throws IOException {
        if (config.selfSignedDir().isEmpty()) {
            return config.certificates();
        }
        Path dir = config.selfSignedDir().get();
        var kept = SelfSignedCertificates.ensure(dir, hosts, clock);
        if (kept.created()) {
            log.info("made a self-signed certificate for {} in {}", String.join(", ", hosts), dir);
        }
        return List.of(CertificateConfig.of(kept.certificate(), kept.privateKey()));
    }

    /** The hosts that no certificate file covers: with ACME on, those it must get certificates for. */
    public static List<String> uncovered(HttpsListenerConfig config, List<String> hosts) throws IOException {
        List<CertificateInfo> files = new ArrayList<>();
        for (CertificateConfig source : config.certificates()) {
            files.add(CertificateInfo.of(PemFiles.readCertificates(source.cert()).get(0)));
        }
        return hosts.stream().filter(host -> files.stream().noneMatch(info -> info.covers(host))).toList();
    }

    /** The key and chain of one entry; the key must belong to the chain's first certificate. */
    private static KeyMaterial readOne(CertificateConfig source) throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(source.cert());
        if (chain.isEmpty()) {
            throw new IOException("'" + source.cert() + "' holds no certificate (expected: a PEM certificate chain,"
                    + " leaf first)");
        }
        Optional<char[]> password = source.keyPassword().map(String::toCharArray);
        if (source.keyPasswordFile().isPresent()) {
            String text = Files.readString(source.keyPasswordFile().get(), StandardCharsets.UTF_8);
            password = Optional.of(text.lines().findFirst().orElse("").toCharArray());
        }
        PrivateKey key = PemFiles.readPrivateKey(source.key(), password);
        if (!matches(key, chain.get(0))) {
            for (int i = 1; i < chain.size(); i++) {
                if (matches(key, chain.get(i))) {
                    throw new IOException("the leaf certificate is not first in '" + source.cert() + "': the key in '"
                            + source.key() + "' belongs to certificate " + (i + 1) + " of " + chain.size()
                            + " (expected: the leaf first, then its intermediates)");
                }
            }
            throw new IOException("the private key in '" + source.key() + "' does not belong to the certificate in '"
                    + source.cert() + "' (expected: the key the certificate was issued for)");
        }
        return new KeyMaterial(key, chain, source.cert());
    }

    private static LoadedCertificate fromMaterial(KeyMaterial material, HttpsListenerConfig listener,
            List<OpenSslSessionTicketKey> ticketKeys) throws IOException {
        HttpsListenerConfig.TlsConfig tls = listener.tls();
        SslContext context = builder(material.key(), material.chain())
                .sessionTimeout(TicketKeys.TICKET_LIFETIME.toSeconds())
                .enableOcsp(PROVIDER == SslProvider.OPENSSL)
                .protocols(tls.protocols())
                .ciphers(tls.ciphers(), IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, tls.alpn()))
                .build();
        // Netty turns session tickets off unless keys are set (https.session_tickets: off leaves them
        // off); TLS 1.3 resumes only by ticket. Every context gets the same keys, so a ticket issued
        // with one certificate resumes with another, and with key files on another instance.
        applyTicketKeys(context, ticketKeys);
        return new LoadedCertificate(material.source(), CertificateInfo.of(material.leaf()), context);
    }

    /**
     * The context that answers a tls-alpn-01 challenge (RFC 8737 §3): the challenge certificate, and
     * {@value #ACME_TLS_1} as the only protocol, so that no HTTP is ever spoken on it.
     */
    public static SslContext tlsAlpnChallengeContext(PrivateKey key, X509Certificate certificate) throws IOException {
        return builder(key, List.of(certificate))
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, ACME_TLS_1))
                .build();
    }

    private static SslContextBuilder builder(PrivateKey key, List<X509Certificate> chain) throws IOException {
        return SslContextBuilder.forServer(key, chain)
                .sslProvider(PROVIDER)
                // Both only shorten the start (by about 0.15 s): Netty hands the key over in an
                // in-memory key store, and JKS stores it without PKCS#12's 10 000 rounds of PBKDF2;
                // and tlsfront asks no client for a certificate, so it trusts none rather than load
                // the JDK's CA store.
                .keyStoreType("JKS")
                .trustManager(trustingNoClient());
    }

    private static TrustManagerFactory trustingNoClient() throws IOException {
        try {
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(empty);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e, e);
        }
    }

    /** Signs a random challenge with the key and verifies it with the certificate. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519" -> "Ed25519";
            default -> throw new IOException("unsupported key type " + key.getAlgorithm()
                    + " (expected: RSA or ECDSA)");
        };
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * A handler that reads the ClientHello, picks the context by SNI, notes on the channel which hosts
     * its certificate covers ({@link CoveredHosts}) and replaces itself with an SslHandler.
     */
    public SniHandler newSniHandler() {
        return new Selection(this);
    }

    /**
     * The certificates that serve one name: the first that names it, and the first of each key type,
     * so that a name with an ECDSA and an RSA certificate serves each client one it can take (nginx's
     * behaviour).
     */
    private record ByKeyType(SslContext first, SslContext ecdsa, SslContext rsa) {
        static ByKeyType of(SslContext context, String keyType) {
            return new ByKeyType(context, "EC".equals(keyType) ? context : null, "RSA".equals(keyType) ? context : null);
        }

        ByKeyType with(ByKeyType later) {
            return new ByKeyType(first, ecdsa != null ? ecdsa : later.ecdsa, rsa != null ? rsa : later.rsa);
        }

        SslContext pick(boolean acceptsEcdsa) {
            if (acceptsEcdsa) {
                return ecdsa != null ? ecdsa : first;
            }
            return rsa != null ? rsa : first;
        }
    }

    /**
     * The context for a ClientHello naming {@code hostname} (null without SNI): the exact name, then a
     * wildcard for its parent, then the fallback, each of the key type the client accepts; null when
     * there is none to serve (a host still waiting for its certificate, or no certificate yet at all).
     */
    SslContext contextFor(String hostname, boolean acceptsEcdsa) {
        if (hostname == null) {
            return fallback == null ? null : fallback.pick(acceptsEcdsa);
        }
        String host = hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname;
        ByKeyType choice = exact.get(host);
        if (choice == null && waiting.contains(host)) {
            return null;
        }
        int dot = host.indexOf('.');
        if (choice == null && dot > 0) {
            choice = wildcard.get(host.substring(dot + 1));
        }
        choice = choice != null ? choice : fallback;
        return choice == null ? null : choice.pick(acceptsEcdsa);
    }

    /** One connection's choice; it reads the ALPN offer once to recognise tls-alpn-01 validation. */
    private static final class Selection extends SniHandler {
        /** A TLS 1.2 record header and alert: fatal, unrecognized_name (RFC 6066 §3, RFC 8446 §6). */
        private static final byte[] UNRECOGNIZED_NAME = {21, 3, 3, 0, 2, 2, 112};

        private final ServerTls tls;
        private boolean offersAcmeTls;
        private boolean acceptsEcdsa = true;
        /** The alert was sent: a lookup then completes with no context, and nothing is set up. */
        private boolean refused;

        Selection(ServerTls tls) {
            super(host -> null, 0, tls.handshakeTimeoutMillis);
            this.tls = tls;
        }

        @Override
        protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
            offersAcmeTls = clientHello != null && ClientHello.offersProtocol(clientHello, ACME_TLS_1);
            acceptsEcdsa = clientHello == null || ClientHello.acceptsEcdsa(clientHello, tls.tls13);
            return super.lookup(ctx, clientHello);
        }

        @Override
        protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
            if (offersAcmeTls && hostname != null) {
                SslContext challenge = tls.managed.tlsAlpnChallenge(hostname);
                if (challenge != null) {
                    return ctx.executor().newSucceededFuture(challenge);
                }
            }
            SslContext context = tls.contextFor(hostname, acceptsEcdsa);
            if (context == null && !refused) {
                // No certificate to show: an alert, rather than another host's certificate.
                refused = true;
                log.debug("{}: no certificate for {} yet: alert unrecognized_name", ctx.channel().remoteAddress(),
                        hostname == null ? "a client without SNI" : hostname);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME)).addListener(f -> ctx.close());
            }
            return ctx.executor().newSucceededFuture(context);
        }

        @Override
        @SuppressWarnings("deprecation")  // sslPointer(): used at once, on the engine's own thread
        protected SslHandler newSslHandler(SslContext context, io.netty.buffer.ByteBufAllocator allocator) {
            SslHandler handler = super.newSslHandler(context, allocator);
            if (handler.engine() instanceof ReferenceCountedOpenSslEngine engine) {
                if (tls.ticketsOff) {
                    // Netty clears SSL_OP_NO_TICKET on every engine that may speak TLS 1.3 (for resumption);
                    // with https.session_tickets: off no ticket is issued, in either version.
                    io.netty.internal.tcnative.SSL.setOptions(engine.sslPointer(),
                            io.netty.internal.tcnative.SSL.SSL_OP_NO_TICKET);
                }
                X509Certificate leaf = tls.leaves.get(context);
                byte[] staple = leaf == null ? null : tls.staples.stapleFor(leaf);
                if (staple != null) {
                    engine.setOcspResponse(staple);  // fetched in the background; a map read here
                }
            }
            return handler;
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context) throws Exception {
            if (context == null) {
                return;  // refused above; the connection is closing
            }
            CoveredHosts hosts = tls.covered.get(context);
            if (hosts != null) {
                ctx.channel().attr(CoveredHosts.KEY).set(hosts);
            }
            super.replaceHandler(ctx, hostname, context);
        }
    }

    /** Where managed (ACME) certificates and challenge answers come from. */
    public ManagedCertificates managed() {
        return managed;
    }

    /** The certificates in config order; the first serves clients that send no SNI. */
    public List<LoadedCertificate> certificates() {
        return certificates;
    }

    private static SslProvider chooseProvider() {
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        log.warn("BoringSSL (netty-tcnative) is not available here, using the JDK's TLS instead: {}",
                String.valueOf(OpenSsl.unavailabilityCause()));
        return SslProvider.JDK;
    }
}
