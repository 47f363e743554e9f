package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.PolicyConfig;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecureCookiesTest {

    private static final SecureCookies SECURE_ONLY = new SecureCookies(PolicyConfig.Cookies.DEFAULT);
    private static final SecureCookies ALL = new SecureCookies(new PolicyConfig.Cookies(true, Optional.of("Lax")));

    /** Real-world Set-Cookie lines (Django, Rails, Express, PHP, Java, CDNs) and what the browser must get. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // lines without Secure get it appended; everything before is kept byte for byte
        "sessionid=abc123; expires=Tue, 08 Dec 2026 01:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"
            + " | sessionid=abc123; expires=Tue, 08 Dec 2026 01:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
        "csrftoken=Xy9; expires=Wed, 24 Nov 2027 01:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax"
            + " | csrftoken=Xy9; expires=Wed, 24 Nov 2027 01:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
        "_myapp_session=eyJfcmFpbHMiOnsi--a1b2; path=/; HttpOnly; SameSite=Lax | _myapp_session=eyJfcmFpbHMiOnsi--a1b2; path=/; HttpOnly; SameSite=Lax; Secure",
        "connect.sid=s%3Aabc.def; Path=/; Expires=Thu, 01 Jan 2027 00:00:00 GMT; HttpOnly | connect.sid=s%3Aabc.def; Path=/; Expires=Thu, 01 Jan 2027 00:00:00 GMT; HttpOnly; Secure",
        "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; path=/ | PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; path=/; Secure",
        "JSESSIONID=1A530637289A03B07199A44E8D531427; Path=/app; HttpOnly | JSESSIONID=1A530637289A03B07199A44E8D531427; Path=/app; HttpOnly; Secure",
        "a=b | a=b; Secure",
        "a= | a=; Secure",
        "a | a; Secure",
        "=novalue | =novalue; Secure",
        "a=b; | a=b; Secure",
        "`a=b;  ` | `a=b;  Secure`",
        "a=b;Path=/ | a=b;Path=/; Secure",
        // quoted values, commas in Expires, odd spacing
        "`pref=\"lang=en; theme=dark\"; Path=/` | `pref=\"lang=en; theme=dark\"; Path=/; Secure`",
        "`q=\"a,b\"; Expires=Sun, 06 Nov 1994 08:49:37 GMT` | `q=\"a,b\"; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Secure`",
        // 'secure' as a name, a value or inside another attribute is not the Secure attribute
        "secure=1 | secure=1; Secure",
        "Secure=yes; Path=/ | Secure=yes; Path=/; Secure",
        "mode=secure | mode=secure; Secure",
        "mode=secure; Path=/secure | mode=secure; Path=/secure; Secure",
        "x=1; Domain=secure.example.com | x=1; Domain=secure.example.com; Secure",
        "x=1; Comment=secure | x=1; Comment=secure; Secure",
        "issecure=true; HttpOnly | issecure=true; HttpOnly; Secure",
        // prefixes and newer attributes
        "__Secure-ID=123; Path=/; Domain=example.com | __Secure-ID=123; Path=/; Domain=example.com; Secure",
        "__Host-sid=xyz; Path=/ | __Host-sid=xyz; Path=/; Secure",
        "__Host-chips=1; Path=/; SameSite=None; Partitioned | __Host-chips=1; Path=/; SameSite=None; Partitioned; Secure",
        "cdn=1; SameSite=None | cdn=1; SameSite=None; Secure",
        // already Secure, in any case or spacing: left exactly as it is
        "a=b; Secure | a=b; Secure",
        "a=b; secure | a=b; secure",
        "a=b; SECURE; HttpOnly | a=b; SECURE; HttpOnly",
        "`a=b;secure` | `a=b;secure`",
        "`a=b;   Secure   ; Path=/` | `a=b;   Secure   ; Path=/`",
        "a=b; Secure=1 | a=b; Secure=1",
        "__Host-sid=1; Secure; Path=/; HttpOnly | __Host-sid=1; Secure; Path=/; HttpOnly",
    })
    void addsSecureOnlyWhenTheAttributeIsMissing(String line, String expected) {
        assertThat(SECURE_ONLY.rewrite(line)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a=b | a=b; Secure; HttpOnly; SameSite=Lax",
        "a=b; httponly | a=b; httponly; Secure; SameSite=Lax",
        "a=b; SameSite=Strict; Secure | a=b; SameSite=Strict; Secure; HttpOnly",
        "a=b; Secure; HttpOnly; SameSite=None | a=b; Secure; HttpOnly; SameSite=None",
    })
    void addsConfiguredHttpOnlyAndSameSiteWhenAbsent(String line, String expected) {
        assertThat(ALL.rewrite(line)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "__Host-sid=1; Path=/; Secure | NULL",
        "__Host-sid=1; Path=/; Domain=example.com | cookie __Host-sid has a Domain attribute, which browsers refuse for a __Host- cookie",
        "__Host-sid=1; Path=/app | cookie __Host-sid has Path=/app, and browsers refuse a __Host- cookie without Path=/",
        "__host-sid=1 | cookie __host-sid has no Path, and browsers refuse a __Host- cookie without Path=/",
        "__Secure-x=1; Domain=example.com | NULL",
        "plain=1; Domain=example.com | NULL",
        // attribute names and values are read with the whitespace around them ignored
        "__Host-sid=1;  PATH = /  ; Secure | NULL",
        "__Host-sid=1;\tdomain\t=x; Path=/ | cookie __Host-sid has a Domain attribute, which browsers refuse for a __Host- cookie",
        "__Host-sid=1; Path | cookie __Host-sid has Path=, and browsers refuse a __Host- cookie without Path=/",
        "__Host-sid=1; Paths=/ | cookie __Host-sid has no Path, and browsers refuse a __Host- cookie without Path=/",
        "__Host-sid; Path=/ | NULL",
    })
    void hostPrefixRulesAreChecked(String line, String problem) {
        assertThat(SecureCookies.hostPrefixProblem(line)).isEqualTo(problem);
    }
}
