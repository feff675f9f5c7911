package io.auspex.infra.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a fixed loopback port in front of one broker listener, for broker outages in
 * the fault tests. The broker advertises the proxy's address on the listener the job uses, so
 * every connection of the job's clients (bootstrap and broker connections alike) goes through it.
 *
 * <p>{@link #down()} is the outage: it closes every connection it carries (both sides, so the
 * clients see the broker go away mid-request) and stops listening, so new connections are refused
 * ({@code ECONNREFUSED}) as by a host whose broker process is gone. {@link #up()} listens again on
 * the same port. Plain blocking sockets, two copying threads per connection.
 */
final class KafkaProxy implements AutoCloseable {
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile int targetPort = -1;
    private ServerSocket server;
    private boolean closed;

    private KafkaProxy(ServerSocket server) {
        this.server = server;
        this.port = server.getLocalPort();
    }

    /** A proxy listening on a free loopback port; it forwards once {@link #forwardTo(int)} is called. */
    static KafkaProxy open() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        KafkaProxy p = new KafkaProxy(s);
        p.startAccepting(s);
        return p;
    }

    /** {@code 127.0.0.1:<port>}: what the broker advertises and the job bootstraps from. */
    String address() {
        return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
    }

    int port() {
        return port;
    }

    /** Forwards connections to {@code localhost:targetPort} from now on. */
    void forwardTo(int targetPort) {
        this.targetPort = targetPort;
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** Connections closed by {@link #down()} so far. */
    long dropped() {
        return dropped.get();
    }

    /** The outage begins: open connections are cut and the port stops listening. */
    synchronized void down() throws IOException {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
        for (Socket s : open) {
            dropped.incrementAndGet();
            closeQuietly(s);
        }
        open.clear();
    }

    /** The outage ends: the port listens again. */
    synchronized void up() throws IOException {
        if (server != null || closed) {
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        startAccepting(s);
    }

    boolean isUp() {
        synchronized (this) {
            return server != null;
        }
    }

    private void startAccepting(ServerSocket s) {
        Thread t = new Thread(() -> acceptLoop(s), "kafka-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by down() or close()
            }
            accepted.incrementAndGet();
            Socket upstream;
            try {
                if (targetPort < 0) {
                    throw new IOException("no target yet");
                }
                upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            synchronized (this) {
                if (server != s) {
                    // down() ran between accept and here: this connection belongs to the outage
                    closeQuietly(client);
                    closeQuietly(upstream);
                    continue;
                }
                open.add(client);
                open.add(upstream);
            }
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // cut by down() or by the other side
            } catch (IOException e) {
                // the same: a connection that ends
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "kafka-proxy-" + direction + "-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        down();
    }
}
