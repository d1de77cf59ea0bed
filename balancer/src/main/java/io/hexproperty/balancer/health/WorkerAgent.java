package io.hexproperty.balancer.health;

import io.hexproperty.balancer.algorithms.ResourceReport;
import io.hexproperty.balancer.algorithms.ResourceWeights;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of resource-based balancing: a TCP agent speaking HAProxy's agent-check protocol.
 * A client that sends {@code stats} gets {@code up 63% cpu=0.31 loop=1.2 waiters=0 inuse=3 heap=142} (inuse and
 * heap only once known: the vertical advisor's usage); any other line, or
 * nothing within 100 ms (HAProxy without agent-send), gets {@code up 63%}: the weight percentage HAProxy
 * applies. Sampling is its own: process CPU from the OS MXBean, and "loop" as the lateness of a 100 ms
 * probe tick on a dedicated thread (it grows when the JVM's threads are starved, the same condition that
 * delays event loops); the pool waiters and connections in use come from the suppliers the worker gives (negative:
 * not known yet); heap is the heap used after the last GC (the live set, what a heap size must hold). Plain blocking I/O on
 * virtual threads: it must answer even when the event loops are saturated.
 */
public final class WorkerAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);
    private static final long TICK_MILLIS = 100;

    private final ServerSocket socket;
    private final IntSupplier poolWaiters;
    private final IntSupplier poolInUse;
    private final ScheduledExecutorService sampler;
    private final com.sun.management.OperatingSystemMXBean os;
    private volatile double loopDelayMillis;
    private volatile double cpu;
    private volatile long lastTick = System.nanoTime();
    private volatile boolean draining;

    private WorkerAgent(ServerSocket socket, IntSupplier poolWaiters, IntSupplier poolInUse) {
        this.socket = socket;
        this.poolWaiters = poolWaiters;
        this.poolInUse = poolInUse;
        this.os = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o ? o : null;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-agent-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Listens on host:port (0: a free port). */
    public static WorkerAgent start(String host, int port, IntSupplier poolWaiters) throws IOException {
        return start(host, port, poolWaiters, () -> -1);
    }

    /** As {@link #start(String, int, IntSupplier)}, also reporting connections in use (negative: not known). */
    public static WorkerAgent start(String host, int port, IntSupplier poolWaiters, IntSupplier poolInUse) throws IOException {
        ServerSocket s = new ServerSocket(port, 50, InetAddress.getByName(host));
        WorkerAgent agent = new WorkerAgent(s, poolWaiters, poolInUse);
        agent.sampler.scheduleAtFixedRate(agent::sample, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        Thread.ofVirtual().name("worker-agent-accept").start(agent::acceptLoop);
        return agent;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** From now on HAProxy is told {@code drain} (weight 0, existing sessions finish). */
    public void drain() {
        draining = true;
    }

    public ResourceReport report() {
        int inUse = poolInUse.getAsInt();
        return new ResourceReport(cpu, loopDelayMillis, Math.max(0, poolWaiters.getAsInt()), inUse, inUse < 0 ? -1 : heapAfterGcMb());
    }

    /** Heap used after the last collection of each heap pool; before the first GC, the heap in use. */
    static double heapAfterGcMb() {
        long afterGc = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            java.lang.management.MemoryUsage u = pool.getType() == java.lang.management.MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                afterGc += u.getUsed();
            }
        }
        long bytes = afterGc > 0 ? afterGc : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return bytes / (1024.0 * 1024.0);
    }

    /** The line HAProxy reads. */
    public String agentLine() {
        return draining ? "drain\n" : "up " + ResourceWeights.agentPercent(report()) + "%\n";
    }

    /** The line the gateway reads. */
    public String statsLine() {
        ResourceReport r = report();
        return (draining ? "drain " : "up ") + ResourceWeights.agentPercent(r) + "% cpu=" + String.format(java.util.Locale.ROOT, "%.3f", r.cpu())
                + " loop=" + String.format(java.util.Locale.ROOT, "%.2f", r.loopDelayMillis()) + " waiters=" + r.poolWaiters()
                + (r.hasUsage() ? " inuse=" + r.poolInUse() + " heap=" + String.format(java.util.Locale.ROOT, "%.0f", r.heapUsedMb()) : "") + "\n";
    }

    private void sample() {
        long now = System.nanoTime();
        double late = Math.max(0, (now - lastTick) / 1e6 - TICK_MILLIS);
        lastTick = now;
        loopDelayMillis = 0.7 * loopDelayMillis + 0.3 * late; // smoothed: one GC pause is not a trend
        if (os != null) {
            double load = os.getProcessCpuLoad();
            if (load >= 0) {
                cpu = Math.min(1, load);
            }
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> answer(client));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("agent accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void answer(Socket client) {
        try (client) {
            client.setSoTimeout(100);
            String request = "";
            try {
                request = readLine(client.getInputStream());
            } catch (SocketTimeoutException e) {
                // HAProxy without agent-send says nothing: answer the weight
            }
            OutputStream out = client.getOutputStream();
            out.write((request.equals("stats") ? statsLine() : agentLine()).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            LOG.debug("agent client failed: {}", e.getMessage());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && sb.length() < 64) {
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
