package dev.tlsfront.observe;

/** The listener a connection came in on, as named in metrics labels and logs. */
public enum Listener {
    HTTP("http"),
    HTTPS("https");

    private final String label;

    Listener(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
