package dev.tenantry.server.domain;

import dev.tenantry.api.cell.LogRequest;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Relays replicas' logs from the cells to API clients. Agents connect outbound only, so a client's request waits here
 * until the agent of the instance's cell takes it (its long poll), and the agent posts the log to it in chunks. The
 * relay is in this server's memory: the agent's posts must reach the server replica that holds the request (one
 * server, or sticky routing of {@code /v1/cells/{cell}/log-requests} to it).
 */
public final class LogRelay {
    public static final int DEFAULT_TAIL = 100;
    public static final int MAX_TAIL = 10_000;
    /** Log requests a cell serves at once (each holds a thread here and a tail on the cell, a followed one up to an hour). */
    static final int MAX_OPEN_PER_CELL = 100;
    /** Chunks queued for a client that reads slowly; an agent's post waits for room up to {@link #DELIVERY_WAIT}. */
    private static final int QUEUE = 256;
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);

    /** One client's request and the chunks on their way to it. */
    public static final class Session {
        final String cell;
        final LogRequest request;
        final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(QUEUE);
        final AtomicBoolean taken = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        Session(String cell, LogRequest request) {
            this.cell = cell;
            this.request = request;
        }

        public String cell() {
            return cell;
        }

        /** The next chunk within {@code wait}; null when none came. */
        public Chunk next(Duration wait) throws InterruptedException {
            return chunks.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Bytes of the log; {@code end}: nothing follows. */
    public record Chunk(byte[] bytes, boolean end) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final InstanceService instances;
    private final Signals signals;

    public LogRelay(InstanceService instances, Signals signals) {
        this.instances = instances;
        this.signals = signals;
    }

    /**
     * A client's request for a replica's log ({@code replica} null: the instance's first replica; {@code tail} null: the
     * last {@value #DEFAULT_TAIL} lines, or with {@code since} all of those since then up to {@value #MAX_TAIL}), after
     * checking the caller may see the instance; the agent of its cell is woken to take it.
     */
    public Session open(Principal who, String tenant, String name, String replica, Integer tail, boolean follow, java.time.Instant since) {
        Errors errors = new Errors();
        int lines = tail != null ? tail : since != null ? MAX_TAIL : DEFAULT_TAIL;
        if (lines < 0 || lines > MAX_TAIL) errors.add("tail", "must be between 0 and " + MAX_TAIL);
        if (replica != null && !replica.matches("[a-z0-9][a-z0-9-]{0,62}-[0-9]{1,4}")) errors.add("replica", "must name a replica, like web-0");
        errors.throwIfAny();
        InstanceRecord instance = instances.get(who, tenant, name);
        List<String> running = instance.observed() == null ? List.of() : instance.observed().replicas().stream().filter(r -> !r.standby())
                .map(r -> r.component() + "-" + r.index()).distinct().toList();
        if (instance.cell() == null || running.isEmpty()) {
            throw new ConflictException("instance", "instance '" + name + "' runs no replica now; its logs are on its cell while it runs");
        }
        String chosen = replica == null ? running.getFirst() : replica;
        if (!running.contains(chosen)) {
            throw new NotFoundException("replica", "instance '" + name + "' has no replica '" + chosen + "' (it runs " + String.join(", ", running) + ")");
        }
        if (sessions.values().stream().filter(s -> s.cell.equals(instance.cell())).count() >= MAX_OPEN_PER_CELL) {
            throw new QuotaExceededException("logs", "cell '" + instance.cell() + "' already serves " + MAX_OPEN_PER_CELL
                    + " log requests; close a followed log (or wait for one to end) and ask again");
        }
        Session session = new Session(instance.cell(), new LogRequest(Ids.newId("log", 16), instance.uid(), chosen, lines, follow, since));
        sessions.put(session.request.id(), session);
        signals.fire(Signals.Topic.LOGS);
        return session;
    }

    /** The client went away or got everything: later posts for it are refused (the agent stops). */
    public void close(Session session) {
        session.closed.set(true);
        sessions.remove(session.request.id());
    }

    /** The agent's long poll: requests for its cell nobody took yet, waiting up to {@code wait} for one. */
    public List<LogRequest> awaitRequests(String cell, Duration wait) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            long mark = signals.mark(Signals.Topic.LOGS);
            List<LogRequest> taken = new ArrayList<>();
            for (Session s : sessions.values()) {
                if (s.cell.equals(cell) && !s.closed.get() && s.taken.compareAndSet(false, true)) taken.add(s.request);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (!taken.isEmpty() || left.isNegative() || left.isZero()) return taken;
            signals.await(Signals.Topic.LOGS, mark, left);
        }
    }

    /** A chunk the agent posts; false when its client is gone (or the request is not of that cell). */
    public boolean deliver(String cell, String id, byte[] bytes, boolean end) throws InterruptedException {
        Session session = sessions.get(id);
        if (session == null || !session.cell.equals(cell) || session.closed.get()) return false;
        return session.chunks.offer(new Chunk(bytes, end), DELIVERY_WAIT.toMillis(), TimeUnit.MILLISECONDS) && !session.closed.get();
    }
}
