package dev.tenantry.server.domain;

import dev.tenantry.api.cell.LogRequest;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.LogRequestRepository;
import dev.tenantry.server.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Relays replicas' logs from the cells to API clients. Agents connect outbound only, so a client's request waits until
 * the agent of the instance's cell takes it (its long poll), and the agent posts the log to it in chunks. Requests and
 * chunks on their way go through the database, so that the client, the agent's poll and its posts may each reach a
 * different server replica: {@link Signals} (relayed between replicas) wake the poll when a request comes and the
 * client when a chunk does.
 */
public final class LogRelay {
    public static final int DEFAULT_TAIL = 100;
    public static final int MAX_TAIL = 10_000;
    /** How long a followed log streams at most (the client reconnects for more). */
    public static final Duration FOLLOW_AT_MOST = Duration.ofHours(1);
    /** Log requests a cell serves at once (each holds a thread here and a tail on the cell, a followed one up to an hour). */
    static final int MAX_OPEN_PER_CELL = 100;
    /** Of those, for the instances of one tenant: so that one tenant cannot take a cell's every log request from the others. */
    static final int MAX_OPEN_PER_TENANT = 20;
    /**
     * What may wait for clients that read slowly: 256 chunks and 8 MiB per request, 64 MiB for all of a cell's requests
     * (a cell serves up to {@value #MAX_OPEN_PER_CELL}); an agent's post waits for room up to {@link #DELIVERY_WAIT}.
     */
    static final LogRequestRepository.Room ROOM = new LogRequestRepository.Room(256, 8L << 20, 64L << 20);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);
    private static final Duration ROOM_POLL = Duration.ofMillis(100);
    /**
     * How often a waiting agent's poll, and a waiting client, look in the database without being woken: a wake-up from
     * another replica is lost while it does not know yet that another listens (up to a second after it starts).
     */
    private static final Duration AGENT_RECHECK = Duration.ofSeconds(1);
    private static final Duration CLIENT_RECHECK = Duration.ofSeconds(5);
    /** Older requests were left by a server replica that stopped while it served them: removed before the open ones are counted. */
    private static final Duration ABANDONED = FOLLOW_AT_MOST.plusMinutes(1);

    /** One client's request, read on the server replica the client reached. */
    public final class Session {
        private final String cell;
        private final LogRequest request;
        private volatile Instant heard = Instant.now();

        Session(String cell, LogRequest request) {
            this.cell = cell;
            this.request = request;
        }

        public String cell() {
            return cell;
        }

        /**
         * Whether the agent has sent nothing for this request, not even the empty chunk it sends a quiet followed log
         * every heartbeat, for longer than a cell counts as online: it stopped (died, or lost its server) and nothing
         * more will come.
         */
        public boolean agentWentQuiet() {
            return Instant.now().isAfter(heard.plus(agentSilence));
        }

        /** The next chunk within {@code wait}; null when none came. An empty chunk that is not the end only says the agent still sends. */
        public Chunk next(Duration wait) throws InterruptedException {
            Instant deadline = Instant.now().plus(wait);
            while (true) {
                long mark = signals.mark(Signals.Topic.LOG_CHUNKS, request.id());
                var chunk = store.tx(tx -> tx.logRequests().takeNextChunk(request.id()));
                if (chunk.isPresent()) heard = Instant.now();
                if (chunk.isPresent()) return new Chunk(chunk.get().bytes(), chunk.get().last());
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) return null;
                signals.await(Signals.Topic.LOG_CHUNKS, request.id(), mark, shorter(left, CLIENT_RECHECK));
            }
        }
    }

    private static Duration shorter(Duration left, Duration recheck) {
        return left.compareTo(recheck) < 0 ? left : recheck;
    }

    /** Bytes of the log; {@code end}: nothing follows. */
    public record Chunk(byte[] bytes, boolean end) {}

    private final Store store;
    private final InstanceService instances;
    private final Signals signals;
    private final Duration agentSilence;

    /** {@code agentSilence}: a followed log whose agent sent nothing for this long ends (the cell's online window). */
    public LogRelay(Store store, InstanceService instances, Signals signals, Duration agentSilence) {
        this.store = store;
        this.instances = instances;
        this.signals = signals;
        this.agentSilence = agentSilence;
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
        Session session = new Session(instance.cell(), new LogRequest(Ids.newId("log", 16), instance.uid(), chosen, lines, follow, since));
        String full = store.tx(tx -> {
            tx.logRequests().deleteOlderThan(ABANDONED);
            if (tx.logRequests().openFor(instance.cell()) >= MAX_OPEN_PER_CELL) {
                return "cell '" + instance.cell() + "' already serves " + MAX_OPEN_PER_CELL + " log requests";
            }
            if (tx.logRequests().openFor(instance.cell(), tenant) >= MAX_OPEN_PER_TENANT) {
                return "cell '" + instance.cell() + "' already serves " + MAX_OPEN_PER_TENANT + " log requests for tenant '" + tenant
                        + "', as many as one tenant may have open there";
            }
            tx.logRequests().insert(instance.cell(), tenant, session.request);
            return null;
        });
        if (full != null) throw new QuotaExceededException("logs", full + "; close a followed log (or wait for one to end) and ask again");
        signals.fire(Signals.Topic.LOGS, instance.cell());
        return session;
    }

    /** The client went away or got everything: later posts for it are refused (the agent stops). */
    public void close(Session session) {
        store.tx(tx -> {
            tx.logRequests().delete(session.request.id());
            return null;
        });
    }

    /** The agent's long poll: requests for its cell nobody took yet, waiting up to {@code wait} for one. */
    public List<LogRequest> awaitRequests(String cell, Duration wait) throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            long mark = signals.mark(Signals.Topic.LOGS, cell);
            List<LogRequest> taken = store.tx(tx -> tx.logRequests().take(cell));
            Duration left = Duration.between(Instant.now(), deadline);
            if (!taken.isEmpty() || left.isNegative() || left.isZero()) return taken;
            signals.await(Signals.Topic.LOGS, cell, mark, shorter(left, AGENT_RECHECK));
        }
    }

    /**
     * A chunk the agent posts, once there is {@link #ROOM} for it (waiting up to {@link #DELIVERY_WAIT}); false when its
     * client is gone (or reads no more, or the request is not of that cell).
     */
    public boolean deliver(String cell, String id, byte[] bytes, boolean end) throws InterruptedException {
        Instant deadline = Instant.now().plus(DELIVERY_WAIT);
        while (true) {
            LogRequestRepository.Added added = store.tx(tx -> tx.logRequests().addChunk(cell, id, bytes, end, ROOM));
            if (added == LogRequestRepository.Added.ADDED) {
                signals.fire(Signals.Topic.LOG_CHUNKS, id);
                return true;
            }
            if (added == LogRequestRepository.Added.GONE || Instant.now().isAfter(deadline)) return false;
            Thread.sleep(ROOM_POLL);
        }
    }
}
