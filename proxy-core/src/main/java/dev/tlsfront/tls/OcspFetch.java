package dev.tlsfront.tls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * One OCSP exchange (RFC 6960): the request for a certificate, sent to its responder, and the
 * checks on the answer: signed by the issuer or a responder it delegated to, about this
 * certificate, status good, current.
 */
final class OcspFetch {

    private OcspFetch() {}

    static OcspStaples.Staple fetch(HttpClient http, X509Certificate leaf, X509Certificate issuer, URI responder, Instant now) throws IOException {
        try {
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
                    .get(CertificateID.HASH_SHA1), issuerHolder, leaf.getSerialNumber());
            OCSPReq request = new OCSPReqBuilder().addRequest(id).build();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(responder)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            OCSPResp ocsp = new OCSPResp(response.body());
            if (ocsp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new IOException("response status " + ocsp.getStatus() + " (expected: 0, successful)");
            }
            BasicOCSPResp basic = (BasicOCSPResp) ocsp.getResponseObject();
            if (!signedByIssuerOrDelegate(basic, issuerHolder)) {
                throw new IOException("not signed by the certificate's issuer or a responder it delegated to");
            }
            for (SingleResp single : basic.getResponses()) {
                if (!single.getCertID().equals(id)) {
                    continue;
                }
                if (single.getCertStatus() != null) {
                    throw new IOException("the certificate's status is not good (" + single.getCertStatus().getClass()
                            .getSimpleName().replace("Status", "").toLowerCase() + ")");
                }
                Instant thisUpdate = single.getThisUpdate().toInstant();
                Instant nextUpdate = single.getNextUpdate() == null ? thisUpdate.plus(Duration.ofHours(1))
                        : single.getNextUpdate().toInstant();
                if (thisUpdate.isAfter(now.plus(Duration.ofMinutes(5))) || !nextUpdate.isAfter(now)) {
                    throw new IOException("not current (this update " + thisUpdate + ", next update " + nextUpdate + ")");
                }
                return new OcspStaples.Staple(ocsp.getEncoded(), nextUpdate);
            }
            throw new IOException("no answer for the certificate in the response");
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            throw new IOException(e.getMessage() == null ? "malformed response" : e.getMessage(), e);
        }
    }

    /** RFC 6960 §4.2.2.2: the issuer itself, or a certificate it issued for OCSP signing. */
    private static boolean signedByIssuerOrDelegate(BasicOCSPResp response, X509CertificateHolder issuer) throws Exception {
        if (response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer))) {
            return true;
        }
        for (X509CertificateHolder delegate : response.getCerts()) {
            boolean issuedByIssuer = delegate.getIssuer().equals(issuer.getSubject())
                    && delegate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer));
            var usage = org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(delegate.getExtensions());
            if (issuedByIssuer && usage != null && usage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)
                    && response.isSignatureValid(new JcaContentVerifierProviderBuilder().build(delegate))) {
                return true;
            }
        }
        return false;
    }

    /** The OCSP responder the certificate's Authority Information Access names, if any. */
    static Optional<URI> responder(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return Optional.empty();
        }
        try {
            AuthorityInformationAccess access = AuthorityInformationAccess.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extension).getOctets()));
            for (AccessDescription description : access.getAccessDescriptions()) {
                if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && description.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    return Optional.of(URI.create(description.getAccessLocation().getName().toString()));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

}
