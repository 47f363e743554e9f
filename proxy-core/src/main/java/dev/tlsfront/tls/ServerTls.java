package dev.tlsfront.tls;

import dev.tlsfront.config.HttpsListenerConfig;
import dev.tlsfront.config.HttpsListenerConfig.CertificateConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener's server contexts, one per certificate, and the SNI mapping that picks one for
 * each connection. Immutable: a reload builds a new one.
 */
public final class ServerTls {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** BoringSSL through netty-tcnative where it loads; the JDK's TLS otherwise. */
    public static final SslProvider PROVIDER = chooseProvider();

    private final Mapping<String, SslContext> sni;
    private final List<LoadedCertificate> certificates;
    private final Map<SslContext, CoveredHosts> covered = new IdentityHashMap<>();
    private final long handshakeTimeoutMillis;

    private ServerTls(Mapping<String, SslContext> sni, List<LoadedCertificate> certificates, List<String> hosts,
            long handshakeTimeoutMillis) {
        this.sni = sni;
        this.certificates = List.copyOf(certificates);
        for (LoadedCertificate certificate : certificates) {
            covered.put(certificate.context(), CoveredHosts.of(certificate.info(), hosts));
        }
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** A certificate as loaded: where it came from and what it says. */
    public record LoadedCertificate(Path file, CertificateInfo info, SslContext context) {}

    /**
     * Reads every certificate and key of the listener (or makes the self-signed one), checks that
     * each key matches its certificate, and builds the contexts.
     *
     * @param hosts the site's names, for the self-signed certificate
     */
    public static ServerTls load(HttpsListenerConfig config, List<String> hosts, Clock clock) throws IOException {
        List<CertificateConfig> sources = config.certificates();
        if (config.selfSignedDir().isPresent()) {
            Path dir = config.selfSignedDir().get();
            var kept = SelfSignedCertificates.ensure(dir, hosts, clock);
            if (kept.created()) {
                log.info("made a self-signed certificate for {} in {}", String.join(", ", hosts), dir);
            }
            sources = List.of(CertificateConfig.of(kept.certificate(), kept.privateKey()));
        }
        List<LoadedCertificate> loaded = new ArrayList<>();
        for (CertificateConfig source : sources) {
            loaded.add(loadOne(source, config.tls()));
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(loaded.get(0).context());
        List<String> mapped = new ArrayList<>();
        for (LoadedCertificate certificate : loaded) {
            for (String name : certificate.info().names()) {
                // The first certificate that names a host serves it; the builder would otherwise keep the last.
                if (!mapped.contains(name) && name.indexOf(':') < 0 && !name.matches("[0-9.]+")) {
                    mapping.add(name, certificate.context());
                    mapped.add(name);
                }
            }
        }
        return new ServerTls(mapping.build(), loaded, hosts, config.tls().handshakeTimeout().toMillis());
    }

    private static LoadedCertificate loadOne(CertificateConfig source, HttpsListenerConfig.TlsConfig tls)
            throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(source.cert());
        Optional<char[]> password = source.keyPassword().map(String::toCharArray);
        if (source.keyPasswordFile().isPresent()) {
            String text = Files.readString(source.keyPasswordFile().get(), StandardCharsets.UTF_8);
            password = Optional.of(text.lines().findFirst().orElse("").toCharArray());
        }
        PrivateKey key = PemFiles.readPrivateKey(source.key(), password);
        if (!matches(key, chain.get(0))) {
            throw new IOException(source.key() + ": the private key does not belong to the certificate in "
                    + source.cert() + " (expected: the key the certificate was issued for)");
        }
        SslContext context = SslContextBuilder.forServer(key, chain)
                .sslProvider(PROVIDER)
                // Both only shorten the start (by about 0.15 s): Netty hands the key over in an
                // in-memory key store, and JKS stores it without PKCS#12's 10 000 rounds of PBKDF2;
                // and tlsfront asks no client for a certificate, so it trusts none rather than load
                // the JDK's CA store.
                .keyStoreType("JKS")
                .trustManager(trustingNoClient())
                .protocols(tls.protocols())
                .ciphers(tls.ciphers(), IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, tls.alpn()))
                .build();
        if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
            // Netty turns session tickets off unless keys are set; TLS 1.3 resumes only by ticket.
            // With no keys given, BoringSSL makes its own and rotates them.
            sessions.setTicketKeys();
        }
        return new LoadedCertificate(source.cert(), CertificateInfo.of(chain.get(0)), context);
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
        return new Selection(sni, covered, handshakeTimeoutMillis);
    }

    private static final class Selection extends SniHandler {
        private final Map<SslContext, CoveredHosts> covered;

        Selection(Mapping<String, SslContext> sni, Map<SslContext, CoveredHosts> covered, long handshakeTimeoutMillis) {
            super(sni, 0, handshakeTimeoutMillis);
            this.covered = covered;
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context) throws Exception {
            ctx.channel().attr(CoveredHosts.KEY).set(covered.get(context));
            super.replaceHandler(ctx, hostname, context);
        }
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
