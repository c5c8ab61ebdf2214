package dev.tenantry.server.tenantdb;

import dev.tenantry.api.blueprint.Component;
import dev.tenantry.api.blueprint.HealthCheck;
import dev.tenantry.api.blueprint.PortSpec;
import dev.tenantry.api.blueprint.Resources;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.ObservedReplica;
import dev.tenantry.api.cell.SecretRef;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The PostgreSQL server of an instance of the {@code dedicated} model: a deployment of its own on the instance's cell
 * (one replica of the agent's PostgreSQL binaries, {@code {{postgres.bin}}}), with its data in the deployment's data
 * directory, made by {@code initdb} on its first start with the admin password the control plane made (a secret file,
 * never on a command line), listening at the port the agent allocates on the cell host's loopback (for its health
 * check and, where the control plane runs on that host, for everyone) and at the address the cell gives for them.
 */
public final class DedicatedServer {
    public static final String ADMIN_USER = "tenantry";
    public static final String ADMIN_PASSWORD = "admin_password";
    /** Where the control plane and the instance's workload reach it when its cell gives no address: the host's loopback. */
    public static final String LOOPBACK = "127.0.0.1";
    static final String PORT = "postgres";
    static final Resources SIZE = new Resources(256, 500);
    private static final HealthCheck LISTENING = new HealthCheck(HealthCheck.Type.tcp, PORT, null, 500, 1000, 3, 180);

    /**
     * The server's start: the binaries present, the data directory made once (in a temporary directory renamed when
     * complete, so that an interrupted initdb starts over), then the postmaster in the foreground. PostgreSQL runs
     * neither as root nor as a user without a name (a tenant's uid of an agent running as root): then it runs as
     * "nobody" in a user namespace of its own, its files still its user's. A stop signals it and its backends; WAL makes
     * even a kill safe.
     */
    private static final String START = """
            set -e
            bin="$1"; data="$2/pgdata"; port="$3"; password_file="$4"; listen="$5"
            if [ ! -x "$bin/postgres" ]; then
              echo "this cell's agent has no PostgreSQL binaries for dedicated database servers (start it with --postgres-bin DIR)" >&2
              exit 1
            fi
            as_owner=""
            if [ "$(id -u)" = 0 ] || ! id -un >/dev/null 2>&1; then
              as_owner="unshare --user --map-user=$(id -u nobody) --map-group=$(id -g nobody)"
            fi
            if [ ! -f "$data/PG_VERSION" ]; then
              rm -rf "$data.init"
              $as_owner "$bin/initdb" -D "$data.init" -U %s --pwfile="$password_file" -A scram-sha-256 -E UTF8 --no-locale \
                --no-instructions >/dev/null
              echo "host all all all scram-sha-256" >> "$data.init/pg_hba.conf"
              mv "$data.init" "$data"
            fi
            exec $as_owner "$bin/postgres" -D "$data" -p "$port" -c listen_addresses="$listen" -c unix_socket_directories= \
              -c max_connections=60 -c shared_buffers=16MB
            """.formatted(ADMIN_USER);

    /** What a dedicated server's name (and its deployment's uid on the cell) starts with. */
    private static final String NAME_PREFIX = "pg-";

    private DedicatedServer() {}

    /** The server's name (its deployment's uid on the cell, its row among the database servers). */
    public static String name(String instanceUid) {
        return NAME_PREFIX + instanceUid;
    }

    /** Whether an agent's report names a dedicated server with {@code uid} (instances' uids never start so). */
    public static boolean isServer(String uid) {
        return uid.startsWith(NAME_PREFIX);
    }

    /** Where the server is reached on a cell that gives {@code address} (null: none) for its dedicated servers. */
    public static String host(String address) {
        return address == null ? LOOPBACK : address;
    }

    /**
     * What the cell runs for the server of {@code instanceUid}, given the admin password's secret and the address the
     * cell gives for its dedicated servers (null: none).
     */
    public static Deployment deployment(String instanceUid, String tenant, String instance, SecretRef adminPassword, String address) {
        String listen = address == null || address.equals(LOOPBACK) ? LOOPBACK : LOOPBACK + "," + address;
        List<String> args = List.of("sh", "{{postgres.bin}}", "{{instance.dataDir}}", "{{ports." + PORT + "}}",
                "{{secretFiles." + ADMIN_PASSWORD + "}}", listen);
        Component postgres = new Component("postgres", List.of("/bin/sh", "-c", START), args, Map.of(), List.of(new PortSpec(PORT)),
                LISTENING, SIZE, 1);
        return new Deployment(name(instanceUid), tenant, instance + "-database", 1, "postgres", "dedicated", List.of(postgres), null, null,
                null, false, null, null, Map.of(ADMIN_PASSWORD, adminPassword), null);
    }

    /** The port it listens at once it runs (every replica healthy); empty while it starts, failed or stopped. */
    public static OptionalInt listeningPort(ObservedInstance observed) {
        if (observed == null || observed.state() != ObservedInstance.State.RUNNING) return OptionalInt.empty();
        return observed.replicas().stream().filter(ObservedReplica::healthy).map(r -> r.ports().get(PORT))
                .filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).findFirst();
    }
}
