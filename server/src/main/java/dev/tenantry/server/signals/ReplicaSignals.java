package dev.tenantry.server.signals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries {@link Signals} between the server replicas that share one database, through PostgreSQL's LISTEN/NOTIFY: a
 * topic fired on one replica is fired on every other at once (a cell's desired state changed: the long polls of its
 * agent return whichever replica they wait on; work was queued: idle workers of every replica look). Each replica
 * uses two connections of its own, outside the pool: one listens, one notifies. The topics fired within
 * {@link #COALESCE} of each other, or while a notification is being sent, go together in one notification (each one is
 * a commit, and so a flush of PostgreSQL's log). A replica alone on its database notifies nobody: its listening
 * connection is named ({@code application_name}) so that each replica sees whether another listens (looked up at most
 * once per {@link #OTHERS_RECHECK}; one that starts listening hears the others' signals after that at the latest).
 * Without the database the replicas still converge, by their waiters' timeouts; a lost connection is opened again,
 * backing off.
 */
public final class ReplicaSignals implements AutoCloseable {
    static final String CHANNEL = "tenantry_signals";
    private static final Logger log = LoggerFactory.getLogger(ReplicaSignals.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RECONNECT_CAP = Duration.ofSeconds(10);
    /** A topic fired for more key buckets than this is announced for every waiter (a notification holds under 8,000 bytes). */
    static final int MAX_BUCKETS = 64;
    /** How long a fire waits for others to go in the same notification. */
    static final Duration COALESCE = Duration.ofMillis(5);
    /** How long a replica trusts what it last saw of whether another replica listens. */
    static final Duration OTHERS_RECHECK = Duration.ofSeconds(1);
    /** The {@code application_name} of each replica's listening connection: this, then the replica's id. */
    static final String LISTENER_NAME = "tenantry-signals ";

    private final String url;
    private final String user;
    private final String password;
    private final Signals signals;
    private final String self = UUID.randomUUID().toString().substring(0, 8);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition firedHere = lock.newCondition();
    /** By topic, the key buckets fired here and not announced yet ({@link Signals#ALL} among them: every waiter). */
    private final java.util.Map<Signals.Topic, java.util.SortedSet<Integer>> toAnnounce = new java.util.EnumMap<>(Signals.Topic.class);
    private final Thread listener;
    private final Thread notifier;
    private volatile boolean running = true;
    private volatile Connection listening;
    private boolean othersListen;
    private long othersCheckedAt;

    private ReplicaSignals(String url, String user, String password, Signals signals) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.signals = signals;
        this.listener = Thread.ofPlatform().name("replica-signals-listen").daemon().unstarted(this::listen);
        this.notifier = Thread.ofPlatform().name("replica-signals-notify").daemon().unstarted(this::announce);
    }

    /** Starts relaying {@code signals} fired here to the other replicas and theirs here. */
    public static ReplicaSignals start(String url, String user, String password, Signals signals) {
        ReplicaSignals replicas = new ReplicaSignals(url, user, password, signals);
        signals.relayTo(replicas::firedHere);
        replicas.listener.start();
        replicas.notifier.start();
        return replicas;
    }

    private void firedHere(Signals.Topic topic, int bucket) {
        lock.lock();
        try {
            boolean first = toAnnounce.isEmpty();
            toAnnounce.computeIfAbsent(topic, t -> new java.util.TreeSet<>()).add(bucket);
            if (first) firedHere.signal();
        } finally {
            lock.unlock();
        }
    }

    private void listen() {
        int failures = 0;
        while (running) {
            java.util.Properties properties = new java.util.Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password);
            properties.setProperty("ApplicationName", LISTENER_NAME + self);
            try (Connection c = DriverManager.getConnection(url, properties); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                listening = c;
                if (failures > 0) log.info("Listening for the other server replicas' signals again");
                failures = 0;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = pg.getNotifications((int) POLL.toMillis());
                    if (received == null) continue;
                    for (PGNotification n : received) receive(n.getParameter());
                }
            } catch (SQLException e) {
                if (!running) return;
                if (failures++ == 0) log.warn("Not hearing the other server replicas' signals (they still converge, more slowly): {}", e.getMessage());
                if (!pause(backoff(failures))) return;
            }
        }
    }

    /**
     * A notification: {@code replica:TOPIC,TOPIC=3|17,…} (a topic alone: every waiter; with key buckets: their waiters);
     * this replica's own are already fired here.
     */
    private void receive(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0 || payload.substring(0, colon).equals(self)) return;
        for (String item : payload.substring(colon + 1).split(",")) {
            try {
                int equals = item.indexOf('=');
                if (equals < 0) {
                    signals.receive(Signals.Topic.valueOf(item));
                    continue;
                }
                Signals.Topic topic = Signals.Topic.valueOf(item.substring(0, equals));
                for (String bucket : item.substring(equals + 1).split("\\|")) signals.receive(topic, Integer.parseInt(bucket));
            } catch (IllegalArgumentException unknown) {
                log.debug("Ignoring signal {} of {} (a replica of another version?)", item, payload);
            }
        }
    }

    /** The payload announcing {@code fired} (by topic, the key buckets fired; {@link Signals#ALL}: every waiter). */
    static String payload(String replica, java.util.Map<Signals.Topic, ? extends java.util.SortedSet<Integer>> fired) {
        List<String> items = new java.util.ArrayList<>();
        fired.forEach((topic, buckets) -> items.add(buckets.contains(Signals.ALL) || buckets.size() > MAX_BUCKETS ? topic.name()
                : topic.name() + "=" + String.join("|", buckets.stream().map(String::valueOf).toList())));
        return replica + ":" + String.join(",", items);
    }

    private void announce() {
        int failures = 0;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password);
                 PreparedStatement notify = c.prepareStatement("select pg_notify(?, ?)");
                 PreparedStatement others = c.prepareStatement("select exists (select 1 from pg_stat_activity where application_name like ?"
                         + " and application_name <> ?)")) {
                c.setAutoCommit(true);
                others.setString(1, LISTENER_NAME + "%");
                others.setString(2, LISTENER_NAME + self);
                failures = 0;
                while (running) {
                    var fired = nextToAnnounce();
                    if (!othersListen(others)) continue;
                    notify.setString(1, CHANNEL);
                    notify.setString(2, payload(self, fired));
                    notify.execute();
                }
            } catch (SQLException e) {
                if (!running) return;
                if (failures++ == 0) log.warn("Cannot tell the other server replicas of changes (they still converge, more slowly): {}", e.getMessage());
                if (!pause(backoff(failures))) return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether another replica listens, as last looked up (again when that is {@link #OTHERS_RECHECK} old). */
    private boolean othersListen(PreparedStatement lookup) throws SQLException {
        long now = System.nanoTime();
        if (othersCheckedAt == 0 || now - othersCheckedAt >= OTHERS_RECHECK.toNanos()) {
            try (java.sql.ResultSet rs = lookup.executeQuery()) {
                othersListen = rs.next() && rs.getBoolean(1);
            }
            othersCheckedAt = now;
        }
        return othersListen;
    }

    private java.util.Map<Signals.Topic, java.util.SortedSet<Integer>> nextToAnnounce() throws InterruptedException {
        lock.lock();
        try {
            while (toAnnounce.isEmpty()) firedHere.await();
            long left = COALESCE.toNanos();
            while (left > 0) left = firedHere.awaitNanos(left);
            var fired = new java.util.EnumMap<>(toAnnounce);
            toAnnounce.clear();
            return fired;
        } finally {
            lock.unlock();
        }
    }

    /** The wait after {@code failures} failures in a row: 1 s, doubling, at most {@link #RECONNECT_CAP}. */
    private static final dev.tenantry.api.Backoff RECONNECT = new dev.tenantry.api.Backoff(Duration.ofSeconds(1), RECONNECT_CAP);

    private static Duration backoff(int failures) {
        return RECONNECT.after(failures);
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        signals.relayTo((topic, bucket) -> { });
        notifier.interrupt();
        listener.interrupt();
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: the listener ends either way
            }
        }
    }
}
