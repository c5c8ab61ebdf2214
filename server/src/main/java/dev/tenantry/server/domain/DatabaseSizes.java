package dev.tenantry.server.domain;

import dev.tenantry.api.cell.UsageReport;
import dev.tenantry.api.model.DatabaseIsolation;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.TenantDatabaseRepository.Measurable;
import dev.tenantry.server.store.UsageRepository.DatabaseSize;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.SharedPoolShares;
import dev.tenantry.server.tenantdb.TenantDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures each tenant database (of its own: isolation {@code schema}, {@code database}, {@code dedicated}; in a shared
 * pool, the tenant's share of the pool's tables, {@link SharedPoolShares}) and adds its storage to the instance's usage:
 * GB-seconds between two measurements (their mean size), counted on the instance's cell, in the transaction that notes
 * the new measurement, so that none is counted twice.
 */
final class DatabaseSizes {
    private static final Logger log = LoggerFactory.getLogger(DatabaseSizes.class);
    private final Store store;
    private final DatabaseService databases;
    private final Clock clock;

    DatabaseSizes(Store store, DatabaseService databases, Clock clock) {
        this.store = store;
        this.databases = databases;
        this.clock = clock;
    }

    /** Measures every database once; returns how many it measured. */
    int measure() {
        List<Measurable> all = store.tx(tx -> tx.tenantDatabases().measurable());
        java.util.Map<String, ServerAccess> servers = new java.util.HashMap<>();
        // each shared pool is measured once for all of its tenants
        java.util.Map<String, java.util.Optional<java.util.Map<String, Long>>> pools = new java.util.HashMap<>();
        int measured = 0;
        for (Measurable m : all) {
            TenantDatabase.Location l = m.database().location();
            String uid = m.database().instanceUid();
            long bytes;
            try {
                ServerAccess access = servers.computeIfAbsent(l.server(), name -> store.tx(tx -> databases.access(tx, name)));
                if (l.isolation() == DatabaseIsolation.shared) {
                    // a pool that cannot be measured now is tried once, not once for each of its tenants
                    var shares = pools.computeIfAbsent(l.server() + "/" + l.database(), pool -> poolShares(access, l.database()));
                    if (shares.isEmpty()) continue;
                    bytes = shares.get().getOrDefault(l.role(), 0L);
                } else {
                    bytes = sizeOf(access, l);
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("Cannot measure the database of {} on {} now: {}", uid, l.server(), e.toString());
                continue;
            }
            Instant now = clock.instant();
            store.run(tx -> {
                DatabaseSize before = tx.usage().databaseSize(uid).orElse(null);
                if (before != null && now.isAfter(before.at())) {
                    double gbSeconds = (before.bytes() + bytes) / 2.0 / 1e9 * Duration.between(before.at(), now).toMillis() / 1000.0;
                    tx.usage().add(m.cell(), new UsageReport("database-sizes", 0, before.at(), now, false,
                            List.of(new UsageReport.InstanceUsage(uid, 0, 0, 0, 0, 0, 0, gbSeconds))));
                }
                tx.usage().putDatabaseSize(uid, new DatabaseSize(now, bytes));
            });
            measured++;
        }
        return measured;
    }

    /** Bytes by tenant role in a shared pool; empty when it cannot be measured now. */
    private static java.util.Optional<java.util.Map<String, Long>> poolShares(ServerAccess access, String database) {
        try (Connection c = access.connect(database)) {
            return java.util.Optional.of(SharedPoolShares.of(c, SharedPoolShares.DEFAULT_SAMPLE_ABOVE));
        } catch (SQLException | RuntimeException e) {
            log.debug("Cannot measure the shared pool {} on {} now: {}", database, access, e.toString());
            return java.util.Optional.empty();
        }
    }

    static long sizeOf(ServerAccess access, TenantDatabase.Location l) throws SQLException {
        boolean schema = l.isolation() == DatabaseIsolation.schema;
        try (Connection c = access.connect(schema ? l.database() : "postgres");
             PreparedStatement ps = c.prepareStatement(schema
                     ? "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                             + " where n.nspname = ? and c.relkind in ('r', 'm')"
                     : "select pg_database_size(?)")) {
            ps.setString(1, schema ? l.schema() : l.database());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
