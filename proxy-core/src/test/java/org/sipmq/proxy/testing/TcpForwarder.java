package org.sipmq.proxy.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 in front of a real server (the shared MariaDB), so that a test can take "the database"
 * down and bring it back without touching the shared server. {@link #cut()} closes every relayed connection and, until
 * {@link #restore()}, closes each new one at once (a client sees its connection fail, as with a server that is gone);
 * the port stays the same throughout. Owns its threads; {@link #close()} ends them.
 */
public final class TcpForwarder implements Closeable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean down;

    public TcpForwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start("tcp-forwarder-accept", this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.setSoLinger(true, 0); // a reset, as from a host whose server is gone
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(upstream);
                    threads.removeIf(t -> !t.isAlive());
                }
                start("tcp-forwarder-up", () -> pump(client, upstream));
                start("tcp-forwarder-down", () -> pump(upstream, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        }
    }

    private synchronized void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Takes the server "down": closes every relayed connection and refuses new ones until {@link #restore()}. */
    public void cut() throws IOException {
        down = true;
        closeSockets();
    }

    /** Relays new connections again. */
    public void restore() {
        down = false;
    }

    private synchronized void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        down = true;
        server.close();
        closeSockets();
        List<Thread> toJoin;
        synchronized (this) {
            toJoin = List.copyOf(threads);
        }
        try {
            for (Thread t : toJoin) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
