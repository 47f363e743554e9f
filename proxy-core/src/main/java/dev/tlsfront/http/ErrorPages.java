package dev.tlsfront.http;

import java.util.Map;

/**
 * The HTML page a browser gets for an error tlsfront answers itself: the operator's page for that
 * status ({@code https.error_pages}), or a small one of tlsfront's saying what happened in a
 * sentence. Other clients get the plain-text answer.
 *
 * @param custom the operator's pages by status code, their HTML as read from the files
 */
public record ErrorPages(Map<Integer, String> custom) {

    /** What each status tlsfront answers with ({@code PolicyConfig.OWN_STATUSES}) means, for a person reading the page. */
    private static final Map<Integer, String> MEANING = Map.ofEntries(
            Map.entry(400, "The request could not be understood."),
            Map.entry(404, "There is nothing at this address."),
            Map.entry(408, "The request took too long to arrive."),
            Map.entry(413, "The request is larger than this site accepts."),
            Map.entry(414, "The address is too long."),
            Map.entry(417, "The request asked for something this site cannot do."),
            Map.entry(421, "This site does not serve that name on this connection."),
            Map.entry(431, "The request's headers are too large."),
            Map.entry(501, "The request's method is not supported."),
            Map.entry(502, "The site's application did not answer. Please try again in a moment."),
            Map.entry(503, "The site is not available right now. Please try again in a moment."),
            Map.entry(504, "The site's application took too long to answer. Please try again in a moment."),
            Map.entry(505, "This HTTP version is not supported."));

    public ErrorPages {
        custom = Map.copyOf(custom);
    }

    public static final ErrorPages DEFAULT = new ErrorPages(Map.of());

    /** The page for {@code code} with {@code reason} (e.g. "Bad Gateway"). */
    public String html(int code, String reason) {
        String page = custom.get(code);
        if (page != null) {
            return page;
        }
        String title = code + " " + reason;
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + "</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\n"
                + "<body style=\"font-family: system-ui, sans-serif; margin: 4em auto; max-width: 36em\">\n<h1>" + title
                + "</h1>\n<p>" + MEANING.getOrDefault(code, "The request could not be answered.") + "</p>\n</body></html>\n";
    }
}
