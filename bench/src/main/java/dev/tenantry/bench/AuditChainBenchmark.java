package dev.tenantry.bench;

import dev.tenantry.api.model.AuditVerification;
import dev.tenantry.server.audit.AuditChain;
import dev.tenantry.server.audit.AuditFields;
import dev.tenantry.server.domain.AuditService;
import dev.tenantry.server.keys.AuditSigningKey;
import dev.tenantry.server.keys.KeyFile;
import dev.tenantry.server.keys.StoredKeysets;
import dev.tenantry.server.store.Database;
import dev.tenantry.server.store.EmbeddedPostgres;
import dev.tenantry.server.store.ServerKeyRepository;
import dev.tenantry.server.store.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the audit hash chain costs per record, on the embedded PostgreSQL:
 * <ul>
 *   <li><b>hash</b>: {@link AuditChain#hash} alone on a typical record, ns per record;</li>
 *   <li><b>append</b>: one record per transaction through the product's path (the append lock, the chain's head, the
 *       hash, the insert), against the same row inserted into a table without a chain in a transaction of its own,
 *       alternating blocks of each, one writer and then {@code writers} at once;</li>
 *   <li><b>verify</b>: the whole chain verified as {@code GET /v1/audit/verify} does, records per second.</li>
 * </ul>
 */
public final class AuditChainBenchmark {
    private static final int BLOCK = 500;

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path home = BenchPlane.temporaryHome("tenantry-bench-audit-");
        System.out.printf("machine: %d cores; %d records each way, blocks of %d; %d concurrent writers%n",
                Runtime.getRuntime().availableProcessors(), records, BLOCK, writers);
        hashOnly();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(home.resolve("postgres"));
             Database database = new Database(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            Store store = new Store(database);
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("create table audit_plain (id bigserial primary key, time timestamptz not null default now(), actor text not null,"
                        + " action text not null, target text not null, tenant text, result text not null, detail text)");
            }
            appends(store, database, records, 1);
            appends(store, database, records, writers);
            AuditService audit = new AuditService(store, AuditSigningKey.load(new StoredKeysets((name, created) -> ServerKeyRepository.getOrInsert(store, name, created),
                    KeyFile.openOrCreate(home.resolve("master.key")))),
                    Clock.systemUTC());
            for (int round = 1; round <= 3; round++) {
                long start = System.nanoTime();
                AuditVerification v = audit.verify();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (!v.ok()) throw new IllegalStateException("the chain does not verify: " + v.problems());
                System.out.printf("verify round %d: %d records in %.2f s = %.0f records/s%n", round, v.records(), seconds, v.records() / seconds);
            }
        }
    }

    private static void hashOnly() {
        byte[] previous = AuditChain.genesis();
        int n = 200_000;
        List<Double> nsPerRecord = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) previous = AuditChain.hash(previous, typical(i));
            nsPerRecord.add((System.nanoTime() - start) / (double) n);
        }
        List<Double> measured = new ArrayList<>(nsPerRecord.subList(3, 8));
        Collections.sort(measured);
        System.out.printf("hash only: median %.0f ns/record, best %.0f (5 rounds of %d after 3 warm-up rounds)%n", measured.get(2), measured.get(0), n);
    }

    private static AuditFields typical(long seq) {
        return new AuditFields(seq, Instant.now(), "token:ops-admin", "POST /v1/tenants/{tenant}/instances", "/v1/tenants/acme/instances",
                "acme", "success", "HTTP 202");
    }

    /** Alternating blocks of chained and plain appends by {@code writers} threads; prints µs per record and throughput. */
    private static void appends(Store store, Database database, int records, int writers) throws Exception {
        long chainedNanos = 0;
        long plainNanos = 0;
        for (int done = 0; done < records; done += BLOCK) {
            chainedNanos += timed(writers, BLOCK, i -> store.run(tx -> tx.audit().record("token:ops-admin", "POST /v1/tenants/{tenant}/instances",
                    "/v1/tenants/acme/instances", "acme", "success", "HTTP 202")));
            plainNanos += timed(writers, BLOCK, i -> plainInsert(database));
        }
        System.out.printf("append, %d writer(s): chained %.0f µs/record (%.0f/s), plain %.0f µs/record (%.0f/s): chained/plain %.2f%n",
                writers, chainedNanos / 1e3 / records, records / (chainedNanos / 1e9), plainNanos / 1e3 / records, records / (plainNanos / 1e9),
                chainedNanos / (double) plainNanos);
    }

    private static void plainInsert(Database database) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("insert into audit_plain (actor, action, target, tenant, result, detail)"
                    + " values (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, "token:ops-admin");
                insert.setString(2, "POST /v1/tenants/{tenant}/instances");
                insert.setString(3, "/v1/tenants/acme/instances");
                insert.setString(4, "acme");
                insert.setString(5, "success");
                insert.setString(6, "HTTP 202");
                insert.executeUpdate();
            }
            c.commit();
        }
    }

    interface Append {
        void run(int i) throws Exception;
    }

    /** Wall time of {@code count} appends shared among {@code writers} threads. */
    private static long timed(int writers, int count, Append append) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) append.run(i);
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        }
        return System.nanoTime() - start;
    }
}
