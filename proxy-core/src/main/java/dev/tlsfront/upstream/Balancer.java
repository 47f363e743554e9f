package dev.tlsfront.upstream;

import dev.tlsfront.config.BackendConfig;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks one server among the eligible ones, in the order written. One per event loop, so its state
 * is plain fields.
 */
interface Balancer {

    /** One of {@code candidates} (never empty). */
    Server pick(List<Server> candidates);

    static Balancer of(BackendConfig.Balance balance) {
        return switch (balance) {
            case ROUND_ROBIN -> new SmoothWeighted();
            case LEAST_CONN -> new LeastConnections();
            case FIRST -> candidates -> candidates.get(0);
        };
    }

    /**
     * nginx's smooth weighted round robin: each pick adds every candidate's weight to its running
     * score, takes the highest, and takes the total from it. Weights 5, 1, 1 give a a b a c a a:
     * each server's share is its weight's, and the heavy one's turns are spread out, not bunched.
     */
    final class SmoothWeighted implements Balancer {
        private final Map<Server, int[]> current = new IdentityHashMap<>();

        @Override
        public Server pick(List<Server> candidates) {
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            Server best = null;
            int[] bestScore = null;
            int total = 0;
            for (Server server : candidates) {
                int[] score = current.computeIfAbsent(server, s -> new int[1]);
                int weight = server.config().weight();
                score[0] += weight;
                total += weight;
                if (bestScore == null || score[0] > bestScore[0]) {
                    best = server;
                    bestScore = score;
                }
            }
            bestScore[0] -= total;
            if (current.size() > 4 * candidates.size() + 8) {
                current.keySet().removeIf(Server::retired);  // servers that left the config
            }
            return best;
        }
    }

    /**
     * The fewest requests in flight for the weight (a server of weight 2 takes twice the load of one
     * of weight 1); ties go round robin, so an idle pool is not always the first server.
     */
    final class LeastConnections implements Balancer {
        private final SmoothWeighted ties = new SmoothWeighted();

        @Override
        public Server pick(List<Server> candidates) {
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            Server least = candidates.get(0);
            boolean tie = false;
            for (int i = 1; i < candidates.size(); i++) {
                Server server = candidates.get(i);
                long left = (long) server.inFlight() * least.config().weight();
                long right = (long) least.inFlight() * server.config().weight();
                if (left < right) {
                    least = server;
                    tie = false;
                } else if (left == right) {
                    tie = true;
                }
            }
            if (!tie) {
                return least;
            }
            Server fewest = least;
            List<Server> tied = candidates.stream().filter(s -> (long) s.inFlight() * fewest.config().weight()
                    == (long) fewest.inFlight() * s.config().weight()).toList();
            return ties.pick(tied);
        }
    }
}
