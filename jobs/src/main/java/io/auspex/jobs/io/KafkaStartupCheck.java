package io.auspex.jobs.io;

import io.auspex.jobs.config.KafkaClientProperties;
import io.auspex.jobs.config.PipelineConfig;
import io.auspex.jobs.config.AuspexOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Checks, before a job is submitted, that the Kafka cluster answers a client configured as the
 * job's sources and sinks are (bootstrap servers and {@code auspex.kafka.properties.*}). Without
 * it, wrong credentials surface only inside the running job, as task failures and restarts.
 *
 * <p>The check asks the cluster to describe itself with an admin client. Failure messages name
 * the bootstrap servers and the broker's or client's reason; never a setting's value.
 */
public final class KafkaStartupCheck {

    /** The cluster could not be reached or refused the client; the message says which. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private KafkaStartupCheck() {}

    /**
     * Runs the check with the job's settings and {@link AuspexOptions#STARTUP_CHECK_TIMEOUT};
     * does nothing when that is 0.
     */
    public static void verify(PipelineConfig cfg) {
        Duration timeout = cfg.get(AuspexOptions.STARTUP_CHECK_TIMEOUT);
        if (!timeout.isZero()) {
            verify(cfg.get(AuspexOptions.BOOTSTRAP_SERVERS), cfg.kafkaProperties(), timeout);
        }
    }

    /**
     * Describes the cluster at {@code bootstrapServers} with a client configured with
     * {@code clientProperties}; returns the cluster id.
     *
     * @throws Failure "Kafka authentication failed for bootstrap servers X: reason" when the
     *     broker rejects the credentials (or the SASL mechanism, or the TLS handshake), "Kafka did
     *     not answer ..." when nothing answers within {@code timeout}, "Kafka check failed ..."
     *     otherwise
     */
    public static String verify(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout) {
        Properties props = KafkaClientProperties.asProperties(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ms));
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "auspex-startup-check");
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new Failure("Kafka client settings rejected for bootstrap servers " + bootstrapServers + ": "
                    + reason(e) + (root == e ? "" : ": " + reason(root)), e);
        }
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId()
                    .get(ms + 5_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException) {
                throw new Failure("Kafka authentication failed for bootstrap servers " + bootstrapServers + ": "
                        + reason(cause), cause);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw timedOut(bootstrapServers, timeout, cause);
            }
            throw new Failure("Kafka check failed for bootstrap servers " + bootstrapServers + ": " + reason(cause),
                    cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw timedOut(bootstrapServers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while checking Kafka at bootstrap servers " + bootstrapServers, e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static Failure timedOut(String bootstrapServers, Duration timeout, Throwable cause) {
        return new Failure("Kafka did not answer at bootstrap servers " + bootstrapServers + " within "
                + timeout.toMillis() + " ms (is it reachable, and does security.protocol match its listener?)", cause);
    }

    private static String reason(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
