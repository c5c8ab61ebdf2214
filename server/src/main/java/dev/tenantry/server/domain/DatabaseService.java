package dev.tenantry.server.domain;

import dev.tenantry.api.model.DatabaseServer;
import dev.tenantry.api.model.DatabaseServerCreate;
import dev.tenantry.api.model.InstanceDatabase;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import dev.tenantry.server.store.InstanceRecord;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import dev.tenantry.server.tenantdb.DatabaseUnreachableException;
import dev.tenantry.server.tenantdb.DedicatedServer;
import dev.tenantry.server.tenantdb.ServerAccess;
import dev.tenantry.server.tenantdb.TenantDatabase;
import dev.tenantry.server.tenantdb.TenantDatabaseAdmin;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL servers registered for tenant data (their admin passwords kept as secrets, never shown), and what an
 * instance's database is. The databases themselves are made, migrated and dropped by the database workers.
 */
public final class DatabaseService {
    /** The secret that holds each instance's database password (its versions are the login generations). */
    public static final String PASSWORD_SECRET = dev.tenantry.api.blueprint.BlueprintValidator.DATABASE_PASSWORD;
    private static final String ADMIN_PASSWORD_SECRET = DedicatedServer.ADMIN_PASSWORD;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Store store;
    private final SecretService secrets;
    private final InstanceService instances;

    public DatabaseService(Store store, SecretService secrets, InstanceService instances) {
        this.store = store;
        this.secrets = secrets;
        this.instances = instances;
    }

    public static String passwordScope(String instanceUid) {
        return "database:" + instanceUid;
    }

    public static String serverScope(String server) {
        return "database-server:" + server;
    }

    /** Registers a server after connecting to it as its admin: one that cannot be reached, or whose admin is no superuser, is refused. */
    public DatabaseServer register(Principal who, DatabaseServerCreate request) {
        check(request);
        int port = request.port() == null ? 5432 : request.port();
        ServerAccess access = new ServerAccess(request.host(), port, request.adminUser(), request.adminPassword());
        TenantDatabaseAdmin.ServerFacts facts;
        try {
            facts = TenantDatabaseAdmin.inspect(access);
        } catch (DatabaseUnreachableException e) {
            throw new ValidationFailure("host", e.getMessage());
        }
        if (!facts.superuser()) {
            throw new ValidationFailure("adminUser", "'" + request.adminUser() + "' is not a superuser of the server: Tenantry creates roles,"
                    + " databases and row-level security policies as it");
        }
        DatabaseServer server = new DatabaseServer(request.name(), request.region(), request.cell(), request.host(), port, request.adminUser(),
                request.capacity() == null ? DatabaseServer.DEFAULT_CAPACITY : request.capacity(), 0, facts.version(), null);
        return store.tx(tx -> {
            if (tx.databaseServers().get(server.name()).isPresent()) {
                throw new ConflictException("name", "database server '" + server.name() + "' already exists");
            }
            tx.databaseServers().insert(server);
            secrets.sealNext(tx, serverScope(server.name()), ADMIN_PASSWORD_SECRET, request.adminPassword(), who.actor());
            tx.events().append("database-server.registered", "database-servers/" + server.name(), null,
                    Map.of("server", server.name(), "region", server.region(), "actor", who.actor()));
            tx.audit().record(who.actor(), "database-server.register", "database-servers/" + server.name(), null, "success",
                    server.host() + ":" + server.port() + " (PostgreSQL " + facts.version() + ") in region " + server.region());
            return tx.databaseServers().get(server.name()).orElseThrow();
        });
    }

    /**
     * Registers the server, or, when one of that name is registered, moves it to this address and admin password if they
     * changed (a server that came back on another port): instances get the new address with their next change.
     */
    public DatabaseServer ensureRegistered(Principal who, DatabaseServerCreate request) {
        DatabaseServer known = store.tx(tx -> tx.databaseServers().get(request.name())).orElse(null);
        if (known == null) return register(who, request);
        check(request);
        int port = request.port() == null ? 5432 : request.port();
        TenantDatabaseAdmin.ServerFacts facts = TenantDatabaseAdmin.inspect(new ServerAccess(request.host(), port, request.adminUser(), request.adminPassword()));
        return store.tx(tx -> {
            String scope = serverScope(known.name());
            boolean moved = !known.host().equals(request.host()) || known.port() != port || !known.adminUser().equals(request.adminUser());
            if (moved) {
                tx.databaseServers().updateAddress(known.name(), request.host(), port, request.adminUser(), facts.version());
                tx.audit().record(who.actor(), "database-server.update", "database-servers/" + known.name(), null, "success",
                        "now at " + request.host() + ":" + port + " (was " + known.host() + ":" + known.port() + ")");
            }
            if (!secrets.openCurrent(tx, scope, ADMIN_PASSWORD_SECRET).map(request.adminPassword()::equals).orElse(false)) {
                secrets.sealNext(tx, scope, ADMIN_PASSWORD_SECRET, request.adminPassword(), who.actor());
            }
            return tx.databaseServers().get(known.name()).orElseThrow();
        });
    }

    private static void check(DatabaseServerCreate r) {
        Errors errors = new Errors();
        if (r == null) errors.add("body", "is required").throwIfAny();
        Slugs.check(errors, "name", r.name());
        Slugs.check(errors, "region", r.region());
        if (r.cell() != null) Slugs.check(errors, "cell", r.cell());
        if (r.host() == null || !r.host().matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) errors.add("host", "must be a host name or IP address");
        if (r.port() != null && (r.port() < 1 || r.port() > 65535)) errors.add("port", "must be between 1 and 65535");
        if (r.adminUser() == null || !r.adminUser().matches("[A-Za-z_][A-Za-z0-9_$-]{0,62}")) errors.add("adminUser", "must be a PostgreSQL role name");
        if (r.adminPassword() == null || r.adminPassword().isEmpty()) errors.add("adminPassword", "is required");
        else if (r.adminPassword().length() > 1000) errors.add("adminPassword", "must be at most 1000 characters");
        if (r.capacity() != null && (r.capacity() < 1 || r.capacity() > DatabaseServer.MAX_CAPACITY)) {
            errors.add("capacity", "must be between 1 and " + DatabaseServer.MAX_CAPACITY);
        }
        errors.throwIfAny();
    }

    public List<DatabaseServer> servers() {
        return store.tx(tx -> tx.databaseServers().list());
    }

    public DatabaseServer server(String name) {
        return store.tx(tx -> tx.databaseServers().get(name)).orElseThrow(() -> new NotFoundException("server", "no database server '" + name + "'"));
    }

    /** Removes a server that holds no tenant database any more (its admin password is erased). */
    public void deregister(Principal who, String name) {
        store.run(tx -> {
            DatabaseServer server = tx.databaseServers().get(name).orElseThrow(() -> new NotFoundException("server", "no database server '" + name + "'"));
            if (server.dedicatedTo() != null) {
                throw new ConflictException("server", "database server '" + name + "' is the own server of instance " + server.dedicatedTo()
                        + ": it goes when that instance is purged or moves to another database model");
            }
            if (server.used() > 0) {
                throw new ConflictException("server", "database server '" + name + "' holds " + server.used() + " tenant database(s): purge or move them first");
            }
            tx.tenantDatabases().forgetDroppedOn(name);
            tx.databaseServers().delete(name);
            tx.secrets().retireScope(serverScope(name), java.time.Instant.now());
            tx.audit().record(who.actor(), "database-server.deregister", "database-servers/" + name, null, "success", null);
        });
    }

    /**
     * Makes the instance's own server (dedicated model): its admin password (a secret the agent gives the server's
     * initdb as a file), and its row and deployment, published to the instance's cell at {@code revision}, reached at
     * the cell's {@code address} for dedicated servers (null: none).
     */
    public void createDedicated(Tx tx, InstanceRecord instance, String region, String address, long revision) {
        String name = DedicatedServer.name(instance.uid());
        int version = secrets.sealNext(tx, serverScope(name), ADMIN_PASSWORD_SECRET, randomPassword(), "system");
        dev.tenantry.api.cell.Deployment deployment = DedicatedServer.deployment(instance.uid(), instance.tenant(), instance.name(),
                new dev.tenantry.api.cell.SecretRef(serverScope(name), version), address);
        tx.databaseServers().insertDedicated(new DatabaseServer(name, region, instance.cell(), DedicatedServer.host(address), 0,
                DedicatedServer.ADMIN_USER,
                1, 0, null, null, instance.uid()), deployment, revision);
    }

    /** How the database workers reach a server as its admin. */
    public ServerAccess access(Tx tx, String serverName) {
        DatabaseServer server = tx.databaseServers().get(serverName).orElseThrow(() -> new IllegalStateException("no database server '" + serverName + "'"));
        String password = secrets.openCurrent(tx, serverScope(serverName), ADMIN_PASSWORD_SECRET)
                .orElseThrow(() -> new IllegalStateException("database server '" + serverName + "' has no admin password"));
        return new ServerAccess(server.host(), server.port(), server.adminUser(), password);
    }

    /** The password of the instance's current login, made (and stored) on first use. */
    public String loginPassword(Tx tx, String instanceUid) {
        String scope = passwordScope(instanceUid);
        return secrets.openCurrent(tx, scope, PASSWORD_SECRET).orElseGet(() -> {
            String password = randomPassword();
            secrets.sealNext(tx, scope, PASSWORD_SECRET, password, "system");
            return password;
        });
    }

    /**
     * Rotates the instance's database credentials with zero failed requests: a new login with a new password (the next
     * version of its password secret) is created, its replicas are replaced one at a time with it, and then the old
     * login is dropped.
     */
    public InstanceService.Accepted rotate(Principal who, String tenant, String name, String ifMatch) {
        return instances.changeSpec(who, tenant, name, ifMatch, "instance.rotate-database-credentials", (tx, locked) -> {
            TenantDatabase db = tx.tenantDatabases().get(locked.uid())
                    .orElseThrow(() -> new ConflictException("instance", "instance '" + name + "' has no database"));
            if (db.progress().state() != TenantDatabase.State.ready) {
                throw new ConflictException("instance", "the database of instance '" + name + "' is " + db.progress().state()
                        + " (" + db.progress().message() + "); rotate when it is ready");
            }
            int generation = secrets.sealNext(tx, passwordScope(locked.uid()), PASSWORD_SECRET, randomPassword(), who.actor());
            tx.tenantDatabases().startRotation(locked.uid(), generation);
            tx.audit().record(who.actor(), "instance.rotate-database-credentials", "tenants/" + tenant + "/instances/" + name, tenant, "success",
                    "login generation " + generation + " (was " + db.logins().current() + ")");
            return locked.spec();
        });
    }

    public InstanceDatabase ofInstance(Principal who, String tenant, String name) {
        InstanceRecord instance = instances.get(who, tenant, name);
        return store.tx(tx -> {
            TenantDatabase db = tx.tenantDatabases().get(instance.uid())
                    .orElseThrow(() -> new NotFoundException("database", "instance '" + name + "' of tenant '" + tenant + "' has no database"));
            DatabaseServer server = db.location().server() == null ? null : tx.databaseServers().get(db.location().server()).orElse(null);
            return db.toApi(name, server == null ? null : server.host(), server == null ? null : server.port());
        });
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
