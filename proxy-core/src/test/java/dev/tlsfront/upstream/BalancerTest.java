package dev.tlsfront.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.BackendConfig;
import dev.tlsfront.config.BackendServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The weighted and least-connection choices, as tables of picks. */
class BalancerTest {

    private static final BackendConfig BACKEND = BackendConfig.of("127.0.0.1", 8000);

    static Server server(String name, int weight) {
        return new Server(new BackendServer(name, 8000, Optional.empty(), weight, false), BACKEND,
                (s, loop, timeout, handler) -> { throw new AssertionError("no connections here"); }, false);
    }

    private static String picks(Balancer balancer, List<Server> servers, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(balancer.pick(servers).config().host());
        }
        return out.toString();
    }

    @Test
    void smoothWeightedRoundRobinSpreadsTheHeavyServersTurns() {
        List<Server> servers = List.of(server("a", 5), server("b", 1), server("c", 1));
        // nginx's sequence for weights 5, 1, 1: not aaaaabc.
        assertThat(picks(new Balancer.SmoothWeighted(), servers, 14)).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void equalWeightsTakeTurns() {
        List<Server> servers = List.of(server("a", 1), server("b", 1), server("c", 1));
        assertThat(picks(new Balancer.SmoothWeighted(), servers, 6)).isEqualTo("abcabc");
    }

    @Test
    void sharesFollowTheWeights() {
        List<Server> servers = List.of(server("a", 1), server("b", 2));
        String sequence = picks(new Balancer.SmoothWeighted(), servers, 300);
        assertThat(sequence.chars().filter(c -> c == 'b').count()).isEqualTo(200);
    }

    @Test
    void aServerLeavingTheCandidatesDoesNotStallTheOthers() {
        Server a = server("a", 1);
        Server b = server("b", 1);
        Server c = server("c", 1);
        Balancer balancer = new Balancer.SmoothWeighted();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(balancer.pick(List.of(a, b, c)).config().host());
        }
        for (int i = 0; i < 4; i++) {
            seen.add(balancer.pick(List.of(a, c)).config().host());  // b is down
        }
        assertThat(seen.subList(4, 8)).containsOnly("a", "c").contains("a", "c");
    }

    @Test
    void leastConnectionsTakesTheFewestInFlightForTheWeight() {
        Server a = server("a", 1);
        Server b = server("b", 2);
        Server c = server("c", 1);
        a.exchangeStarted();
        a.exchangeStarted();
        b.exchangeStarted();
        b.exchangeStarted();
        b.exchangeStarted();
        c.exchangeStarted();
        c.exchangeStarted();
        // in flight per weight: a 2, b 1.5, c 2
        Balancer balancer = new Balancer.LeastConnections();
        assertThat(balancer.pick(List.of(a, b, c))).isSameAs(b);
        c.exchangeEnded();
        // c 1 now beats b's 1.5
        assertThat(balancer.pick(List.of(a, b, c))).isSameAs(c);
    }

    @Test
    void leastConnectionsTiesGoRoundRobin() {
        Server a = server("a", 1);
        Server b = server("b", 1);
        Balancer balancer = new Balancer.LeastConnections();
        assertThat(picks(balancer, List.of(a, b), 4)).isEqualTo("abab");
    }

    @Test
    void firstTakesTheFirstCandidate() {
        Server a = server("a", 1);
        Server b = server("b", 1);
        Balancer first = Balancer.of(BackendConfig.Balance.FIRST);
        assertThat(picks(first, List.of(a, b), 3)).isEqualTo("aaa");
        assertThat(picks(first, List.of(b), 2)).isEqualTo("bb");
    }
}
