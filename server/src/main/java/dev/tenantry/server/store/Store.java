package dev.tenantry.server.store;

import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;

/**
 * Runs units of work in PostgreSQL transactions. Domain code sees {@link Tx} and the repositories,
 * never JDBI itself. A unique-key violation becomes a {@link DuplicateKeyException}.
 */
public final class Store {
    /** A cell is online while its agent's last report is younger than this, unless configured otherwise. */
    public static final java.time.Duration DEFAULT_CELL_ONLINE_WINDOW = java.time.Duration.ofSeconds(45);

    private final Jdbi jdbi;
    private final java.time.Duration cellOnlineWindow;
    private final CatalogCache catalog = new CatalogCache();

    /** With the default window in which a cell counts as online (45 s since its last report). */
    public Store(Database database) {
        this(database, DEFAULT_CELL_ONLINE_WINDOW);
    }

    /** {@code cellOnlineWindow}: a cell is online while its agent's last report is younger than this. */
    public Store(Database database, java.time.Duration cellOnlineWindow) {
        this.jdbi = database.jdbi();
        this.cellOnlineWindow = cellOnlineWindow;
    }

    /**
     * Runs {@code work} in one transaction. One that PostgreSQL ended as a deadlock victim or for a serialisation
     * conflict is run again, up to {@link #ATTEMPTS} times in all ({@code work} touches nothing but the transaction).
     */
    public <T> T tx(Function<Tx, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                boolean[] audited = {false};
                T committed = jdbi.inTransaction(handle -> {
                    Tx tx = new Tx(handle, cellOnlineWindow, catalog);
                    T result = work.apply(tx);
                    tx.finish();
                    ClaimedRequest.Key claim = ClaimedRequest.current();
                    if (claim != null) tx.idempotency().markDoneIfWritten(claim.scope(), claim.key());
                    audited[0] = tx.wroteAuditRecords();
                    return result;
                });
                if (audited[0]) auditRecordsWritten.run();
                return committed;
            } catch (StatementException e) {
                if (attempt < ATTEMPTS && isTransient(e)) continue;
                throw translate(e);
            }
        }
    }

    private static final int ATTEMPTS = 3;
    private volatile Runnable auditRecordsWritten = () -> { };

    /** Runs after every transaction that committed audit records, for whoever chains them (the audit service). */
    public void onAuditRecordsWritten(Runnable listener) {
        this.auditRecordsWritten = listener;
    }

    private static boolean isTransient(StatementException e) {
        return e.getCause() instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()));
    }

    /**
     * Whether the failure is the database out of reach: the pool found no connection in time, or PostgreSQL refused or
     * dropped the connection or is shutting down (not a fault of the request or of the code).
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || isConnectionFailure(t)) return true;
        }
        return false;
    }

    /** PostgreSQL refused or dropped the connection, or is shutting down (SQLSTATE classes 08 and 57P). */
    public static boolean isConnectionFailure(Throwable t) {
        return t instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"));
    }

    /**
     * Runs {@code work}, which only reads, outside a transaction: each statement sees what was committed when it ran.
     * For a single look (is work due?) it saves the round trips of a BEGIN and a COMMIT.
     */
    public <T> T read(Function<Tx, T> work) {
        try {
            return jdbi.withHandle(handle -> work.apply(new Tx(handle, cellOnlineWindow, catalog)));
        } catch (StatementException e) {
            throw translate(e);
        }
    }

    public void run(Consumer<Tx> work) {
        tx(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** True when the database runs a trivial query: a connection within the pool's timeout, the query within a second. */
    public boolean answers() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").setQueryTimeout(1).mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static RuntimeException translate(StatementException e) {
        if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
            return new DuplicateKeyException();
        }
        return e;
    }
}
