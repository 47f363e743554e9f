package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.PolicyConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorPagesTest {

    @Test
    void everyStatusAnErrorPageMayNameHasItsOwnSentence() {
        String fallback = ErrorPages.DEFAULT.html(599, "Unknown");
        for (int status : PolicyConfig.OWN_STATUSES) {
            String page = ErrorPages.DEFAULT.html(status, "Reason");
            assertThat(page).as("status " + status).contains("<title>" + status + " Reason</title>")
                    .isNotEqualTo(fallback.replace("599 Unknown", status + " Reason"));
        }
    }

    @Test
    void theOperatorsPageReplacesTlsfrontsForItsStatusOnly() {
        ErrorPages pages = new ErrorPages(Map.of(502, "<p>back soon</p>"));
        assertThat(pages.html(502, "Bad Gateway")).isEqualTo("<p>back soon</p>");
        assertThat(pages.html(504, "Gateway Timeout")).contains("took too long");
    }
}
