package io.auspex.infra.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running inside this JVM, built
 * on Kafka's {@link KafkaClusterTestKit}. For tests and for the one-command local demo; a real
 * deployment points the jobs at a real cluster instead.
 *
 * <p>Settings a one-node cluster needs: the metadata version is pinned to
 * {@code MetadataVersion.latestProduction()} (the kit's default is a testing-only version), and
 * the transaction-state and offsets topics have replication factor 1, so transactional producers
 * and consumer groups work. Group rebalances start without delay.
 *
 * <p>{@link #close()} stops the broker and deletes the temporary directory it ran in.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics("telemetry.spans", "telemetry.metrics");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Partitions of each topic created by {@link #createTopics(String...)} unless configured. */
    public static final int DEFAULT_PARTITIONS = 2;

    private static final long ADMIN_TIMEOUT_SECONDS = 60;

    /** The user the broker itself authenticates as on a SASL listener (inter-broker traffic, {@link #admin()}). */
    public static final String SASL_BROKER_USER = "auspex-broker";

    private static final Pattern SASL_USER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final int defaultPartitions;
    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory, int defaultPartitions,
            Map<String, String> clientProperties) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.defaultPartitions = defaultPartitions;
        this.bootstrapServers = cluster.bootstrapServers();
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** Starts a broker whose {@link #createTopics(String...)} uses {@value #DEFAULT_PARTITIONS} partitions. */
    public static EmbeddedKafka start() {
        return start(DEFAULT_PARTITIONS, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param defaultPartitions partitions of topics created by {@link #createTopics(String...)}
     * @param brokerOverrides extra broker settings (e.g. {@code log.retention.ms}); they win over
     *     the defaults set here
     */
    public static EmbeddedKafka start(int defaultPartitions, Map<String, String> brokerOverrides) {
        return start(defaultPartitions, brokerOverrides, null);
    }

    /**
     * Starts a broker whose client listener ({@link #bootstrapServers()}) is {@code SASL_PLAINTEXT}
     * with the {@code PLAIN} mechanism and accepts exactly {@code users} (name to password) and
     * the broker's own user {@value #SASL_BROKER_USER} (a random password, used by
     * {@link #admin()} and {@link #createTopics(String...)}). No authorizer runs: an authenticated
     * user may do anything. The controller listener stays PLAINTEXT.
     *
     * <p>The JAAS configuration is the listener's {@code sasl.jaas.config} broker setting, so
     * nothing JVM-wide ({@code java.security.auth.login.config}) is touched. Clients connect with
     * {@link #saslPlainClientProperties(String, String)}.
     *
     * @param users user names ({@code [A-Za-z][A-Za-z0-9_-]*}) and passwords (no {@code "} or {@code \})
     */
    public static EmbeddedKafka startSaslPlain(Map<String, String> users) {
        return start(DEFAULT_PARTITIONS, Map.of(), users);
    }

    /**
     * Client settings for a user of a {@link #startSaslPlain(Map)} broker:
     * {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and the
     * {@code sasl.jaas.config} with the user's name and password.
     */
    public static Map<String, String> saslPlainClientProperties(String user, String password) {
        return Map.of(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName() + " required username=\""
                        + jaasQuoted(user) + "\" password=\"" + jaasQuoted(password) + "\";");
    }

    private static String jaasQuoted(String value) {
        if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("a SASL user name or password must not hold '\"' or '\\'");
        }
        return value;
    }

    /** Broker settings of a SASL_PLAINTEXT/PLAIN client listener named {@code listener}. */
    private static Map<String, String> saslPlainBrokerSettings(String listener, String controllerListener,
            Map<String, String> users, String brokerPassword) {
        StringBuilder jaas = new StringBuilder(PlainLoginModule.class.getName()).append(" required")
                .append(" username=\"").append(SASL_BROKER_USER).append("\"")
                .append(" password=\"").append(brokerPassword).append("\"")
                .append(" user_").append(SASL_BROKER_USER).append("=\"").append(brokerPassword).append("\"");
        new TreeMap<>(users).forEach((user, password) -> {
            jaas.append(" user_").append(user).append("=\"").append(jaasQuoted(password)).append("\"");
        });
        jaas.append(';');
        Map<String, String> m = new HashMap<>();
        m.put("listener.security.protocol.map", listener + ":" + SecurityProtocol.SASL_PLAINTEXT.name + ","
                + controllerListener + ":" + SecurityProtocol.PLAINTEXT.name);
        m.put("sasl.enabled.mechanisms", "PLAIN");
        m.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        m.put("listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString());
        return m;
    }

    private static EmbeddedKafka start(int defaultPartitions, Map<String, String> brokerOverrides,
            Map<String, String> saslUsers) {
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("defaultPartitions must be >= 1, was " + defaultPartitions);
        }
        if (saslUsers != null) {
            saslUsers.forEach((user, password) -> {
                if (!SASL_USER_NAME.matcher(user).matches() || user.equals(SASL_BROKER_USER)) {
                    throw new IllegalArgumentException("SASL user name not allowed: " + user);
                }
                jaasQuoted(password);
            });
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("auspex-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temporary directory", e);
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes.Builder nodesBuilder = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir);
            // the test kit's default is a testing-only metadata version
            nodesBuilder.setBootstrapMetadataVersion(MetadataVersion.latestProduction());
            TestKitNodes nodes = nodesBuilder.build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    .setDeleteOnClose(true)
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false");
            Map<String, String> clientProperties = Map.of();
            if (saslUsers != null) {
                String brokerPassword = UUID.randomUUID().toString();
                saslPlainBrokerSettings(nodes.brokerListenerName().value(), nodes.controllerListenerName().value(),
                        saslUsers, brokerPassword).forEach(builder::setConfigProp);
                clientProperties = saslPlainClientProperties(SASL_BROKER_USER, brokerPassword);
            }
            brokerOverrides.forEach(builder::setConfigProp);
            cluster = builder.build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, dir, defaultPartitions, clientProperties);
        } catch (Exception e) {
            IllegalStateException failure = new IllegalStateException("embedded Kafka broker failed to start", e);
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception closeFailure) {
                    failure.addSuppressed(closeFailure);
                }
            }
            try {
                deleteRecursively(dir);
            } catch (IOException deleteFailure) {
                failure.addSuppressed(deleteFailure);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw failure;
        }
    }


    /**
     * Formats the broker's storage. Kafka's formatter prints two lines to {@code System.out}; a
     * command whose stdout is its output (the demo) should not carry them, so they are dropped.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream stdout = System.out;
        synchronized (EmbeddedKafka.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /**
     * {@code host:port} of the broker's client listener (PLAINTEXT, or SASL_PLAINTEXT for
     * {@link #startSaslPlain(Map)}), for {@code bootstrap.servers}.
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Security settings a client of this broker needs, as the broker's own user: empty for a
     * PLAINTEXT broker, {@link #saslPlainClientProperties(String, String)} of
     * {@value #SASL_BROKER_USER} for a SASL one.
     */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /**
     * The port the broker bound for {@code listener}, a listener name of its {@code listeners}
     * setting (for an extra listener given in the broker overrides, e.g. one advertised through a
     * proxy by the fault tests). Fails when the broker has no such listener.
     */
    public int boundPort(String listener) {
        return cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(listener));
    }

    /** The directory holding the broker's logs and metadata; deleted by {@link #close()}. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /** Partitions used by {@link #createTopics(String...)}. */
    public int defaultPartitions() {
        return defaultPartitions;
    }

    /** Creates topics with {@link #defaultPartitions()} partitions each; existing topics are left as they are. */
    public void createTopics(String... names) {
        createTopics(defaultPartitions, names);
    }

    /**
     * Creates topics with the given partition count (replication factor 1) and returns once the
     * broker lists them; existing topics are left as they are.
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitVisible(admin, Set.of(names));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + Arrays.toString(names), e);
        }
    }

    /**
     * Waits until the broker's metadata lists every topic: the controller acknowledges a creation
     * before the broker's metadata cache has caught up.
     */
    private static void awaitVisible(Admin admin, Set<String> names)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
        while (true) {
            try {
                if (admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).containsAll(names)) {
                    return;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot list topics", e.getCause());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " not visible after " + ADMIN_TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(20);
        }
    }

    /** Names of the topics that exist now, internal topics excluded. */
    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /** Stops the broker and deletes its directory. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IllegalStateException failure = null;
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = new IllegalStateException("embedded Kafka broker did not shut down cleanly", e);
        }
        try {
            deleteRecursively(baseDirectory);
        } catch (IOException e) {
            if (failure == null) {
                failure = new IllegalStateException("cannot delete " + baseDirectory, e);
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
