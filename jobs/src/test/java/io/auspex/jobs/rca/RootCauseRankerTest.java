package io.auspex.jobs.rca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RootCauseRankerTest {
    static final Map<String, Set<String>> GRAPH = Map.of(
            "frontend", Set.of("checkout", "catalog"),
            "checkout", Set.of("payment", "inventory"),
            "payment", Set.of("database"),
            "inventory", Set.of("database"),
            "catalog", Set.of("database"));

    static RootCauseRanker.Evidence ev(double s) {
        return new RootCauseRanker.Evidence(s, 0);
    }

    @Test
    void deepestAnomalousServiceWins() {
        var ranked = RootCauseRanker.rank("frontend", GRAPH,
                Map.of("frontend", ev(1), "checkout", ev(1), "payment", ev(1)));
        assertEquals("payment", ranked.get(0).service());
        assertTrue(ranked.get(0).confidence() > 0.4);
        assertEquals(1.0, ranked.stream().mapToDouble(RootCauseRanker.Candidate::confidence).sum(), 1e-9);
    }

    @Test
    void noEvidenceBelowMeansTheAlertingServiceItself() {
        var ranked = RootCauseRanker.rank("checkout", GRAPH, Map.of("checkout", ev(1)));
        assertEquals("checkout", ranked.get(0).service());
        assertEquals(Set.of("checkout", "payment", "inventory", "database"),
                Set.copyOf(ranked.stream().map(RootCauseRanker.Candidate::service).toList()));
    }

    @Test
    void laterOnsetIsDiscounted() {
        // both anomalous, but inventory's anomaly began 10 minutes after payment's
        var ranked = RootCauseRanker.rank("checkout", GRAPH, Map.of(
                "checkout", new RootCauseRanker.Evidence(1, 0),
                "payment", new RootCauseRanker.Evidence(1, 0),
                "inventory", new RootCauseRanker.Evidence(1, 600_000)));
        assertEquals("payment", ranked.get(0).service());
    }

    @Test
    void unknownServiceStandsAlone() {
        List<RootCauseRanker.Candidate> ranked = RootCauseRanker.rank("lonely", GRAPH, Map.of());
        assertEquals(1, ranked.size());
        assertEquals(1.0, ranked.get(0).confidence(), 1e-12);
    }

    @Test
    void aHealthySharedDatabaseHandsTheWalkBackToTheAnomalousServicesAboveIt() {
        // six healthy services and one weakly anomalous one under the gateway, all on one database
        Map<String, Set<String>> graph = new java.util.HashMap<>();
        graph.put("gateway", Set.of("a", "b", "c", "d", "e", "f", "slow"));
        for (String s : List.of("a", "b", "c", "d", "e", "f", "slow")) {
            graph.put(s, Set.of("db"));
        }
        var ranked = RootCauseRanker.rank("gateway", graph, Map.of("gateway", ev(0.1), "slow", ev(0.1)));
        assertEquals("slow", ranked.get(0).service(), () -> "ranking: " + ranked);
        assertEquals("gateway", ranked.get(1).service(), () -> "ranking: " + ranked);
    }

    @Test
    void aFadedEpisodeOfAnEarlierFaultDoesNotDiscountTheCurrentOnes() {
        var ranked = RootCauseRanker.rank("checkout", GRAPH, Map.of(
                "checkout", new RootCauseRanker.Evidence(1, 900_000),
                "payment", new RootCauseRanker.Evidence(1, 900_000),
                "inventory", new RootCauseRanker.Evidence(0.05, 0)));
        var payment = ranked.stream().filter(c -> c.service().equals("payment")).findFirst().orElseThrow();
        assertEquals(1.0, payment.evidence(), 1e-12, "payment's evidence is not discounted");
        assertEquals("payment", ranked.get(0).service());
    }

    @Test
    void aNoisyNeighbourOnASharedDatabaseJoinsTheCandidatesAndRanksFirst() {
        // orders and reports share the database; reports floods it first, then the database and orders slow down
        Map<String, Set<String>> graph = Map.of("orders", Set.of("database"), "reports", Set.of("database"),
                "web", Set.of("orders"));
        var ranked = RootCauseRanker.rank("orders", graph, Map.of(
                "orders", new RootCauseRanker.Evidence(0.8, 120_000),
                "database", new RootCauseRanker.Evidence(0.4, 60_000),
                "reports", new RootCauseRanker.Evidence(1.0, 0)));
        assertEquals("reports", ranked.get(0).service(), () -> "ranking: " + ranked);
        assertEquals(-1, ranked.get(0).depth());
        // a caller with weak evidence stays out, and the alerting service's own callers never join
        var weak = RootCauseRanker.rank("orders", graph, Map.of(
                "orders", new RootCauseRanker.Evidence(0.8, 0),
                "database", new RootCauseRanker.Evidence(0.8, 0),
                "reports", new RootCauseRanker.Evidence(0.3, 0),
                "web", new RootCauseRanker.Evidence(1.0, 0)));
        assertEquals(Set.of("orders", "database"), Set.copyOf(weak.stream().map(RootCauseRanker.Candidate::service)
                .toList()));
        // a caller whose anomaly began with the database's is the database's effect, not a neighbour's cause
        var effect = RootCauseRanker.rank("orders", graph, Map.of(
                "orders", new RootCauseRanker.Evidence(0.8, 0),
                "database", new RootCauseRanker.Evidence(0.8, 0),
                "reports", new RootCauseRanker.Evidence(1.0, 0)));
        assertEquals(Set.of("orders", "database"), Set.copyOf(effect.stream().map(RootCauseRanker.Candidate::service)
                .toList()));
    }
}
