package dev.tenantry.api.blueprint;

import dev.tenantry.api.validation.Errors;
import dev.tenantry.api.validation.Slugs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a blueprint before it becomes part of an immutable release. Field names are JSON paths below {@code blueprint}. */
public final class BlueprintValidator {
    private static final String ROOT = "blueprint";

    private BlueprintValidator() {}

    public static void validate(Blueprint blueprint) {
        Errors errors = new Errors();
        if (blueprint == null) {
            errors.add(ROOT, "is required").throwIfAny();
        }
        validateParameters(blueprint.parameters(), errors);
        validateSecrets(blueprint, errors);
        if (blueprint.components().isEmpty()) {
            errors.add(ROOT + ".components", "must name at least one component");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < blueprint.components().size(); i++) {
            Component c = blueprint.components().get(i);
            String field = ROOT + ".components[" + i + "]";
            if (c == null) {
                errors.add(field, "must not be null");
                continue;
            }
            Slugs.check(errors, field + ".name", c.name());
            if (c.name() != null && !names.add(c.name())) errors.add(field + ".name", "duplicate component name '" + c.name() + "'");
            validateComponent(blueprint, c, field, errors);
        }
        validateIngress(blueprint, errors);
        validateHooks(blueprint.hooks(), errors);
        validateDatabase(blueprint, errors);
        if (blueprint.upgrade() != null && blueprint.upgrade().keepWarmSeconds() != null
                && (blueprint.upgrade().keepWarmSeconds() < 0 || blueprint.upgrade().keepWarmSeconds() > Upgrade.MAX_KEEP_WARM_SECONDS)) {
            errors.add(ROOT + ".upgrade.keepWarmSeconds", "must be between 0 and " + Upgrade.MAX_KEEP_WARM_SECONDS);
        }
        errors.throwIfAny();
    }

    private static void validateComponent(Blueprint blueprint, Component c, String field, Errors errors) {
        if (c.command().isEmpty() || c.command().get(0) == null || c.command().get(0).isBlank()) {
            errors.add(field + ".command", "must name the executable to run");
        }
        Set<String> ports = new HashSet<>();
        for (int p = 0; p < c.ports().size(); p++) {
            PortSpec port = c.ports().get(p);
            String name = port == null ? null : port.name();
            Slugs.check(errors, field + ".ports[" + p + "].name", name);
            if (name != null && !ports.add(name)) errors.add(field + ".ports[" + p + "].name", "duplicate port '" + name + "'");
        }
        if (c.replicas() != null && (c.replicas() < 0 || c.replicas() > 100)) {
            errors.add(field + ".replicas", "must be between 0 and 100");
        }
        if (c.resources() != null) {
            if (c.resources().memoryMb() != null && (c.resources().memoryMb() < 16 || c.resources().memoryMb() > 65536)) {
                errors.add(field + ".resources.memoryMb", "must be between 16 and 65536");
            }
            if (c.resources().cpuMillis() != null && (c.resources().cpuMillis() < 10 || c.resources().cpuMillis() > 64000)) {
                errors.add(field + ".resources.cpuMillis", "must be between 10 and 64000");
            }
        }
        validateHealth(c, field + ".health", errors);
        for (int a = 0; a < c.command().size(); a++) checkPlaceholders(blueprint, c, c.command().get(a), field + ".command[" + a + "]", false, errors);
        for (int a = 0; a < c.args().size(); a++) checkPlaceholders(blueprint, c, c.args().get(a), field + ".args[" + a + "]", false, errors);
        for (Map.Entry<String, String> e : c.env().entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) errors.add(field + ".env." + e.getKey(), "is not a valid environment variable name");
            if (e.getValue() == null) errors.add(field + ".env." + e.getKey(), "must not be null");
            else checkPlaceholders(blueprint, c, e.getValue(), field + ".env." + e.getKey(), true, errors);
        }
    }

    private static void validateHealth(Component c, String field, Errors errors) {
        HealthCheck h = c.health();
        if (h == null) return;
        if (h.type() == null) errors.add(field + ".type", "must be http or tcp");
        if (h.port() == null || !c.hasPort(h.port())) errors.add(field + ".port", "must name a port of the component");
        if (h.type() == HealthCheck.Type.http && h.path() != null && !h.path().startsWith("/")) errors.add(field + ".path", "must start with '/'");
        if (h.intervalMillis() != null && (h.intervalMillis() < 50 || h.intervalMillis() > 60_000)) errors.add(field + ".intervalMillis", "must be between 50 and 60000");
        if (h.timeoutMillis() != null && (h.timeoutMillis() < 50 || h.timeoutMillis() > 60_000)) errors.add(field + ".timeoutMillis", "must be between 50 and 60000");
        if (h.failureThreshold() != null && (h.failureThreshold() < 1 || h.failureThreshold() > 100)) errors.add(field + ".failureThreshold", "must be between 1 and 100");
        if (h.startupTimeoutSeconds() != null && (h.startupTimeoutSeconds() < 1 || h.startupTimeoutSeconds() > 3600)) {
            errors.add(field + ".startupTimeoutSeconds", "must be between 1 and 3600");
        }
    }

    /** {@code inEnv}: the template is an environment variable's value, the only place a secret's value may go. */
    private static void checkPlaceholders(Blueprint blueprint, Component c, String template, String field, boolean inEnv, Errors errors) {
        if (template == null) {
            errors.add(field, "must not be null");
            return;
        }
        for (String key : Placeholders.keysIn(template)) {
            if (key.startsWith("params.") && blueprint.parameter(key.substring(7)) != null && blueprint.parameter(key.substring(7)).isSecret()) {
                errors.add(field, "{{" + key + "}} is a secret: give it as {{" + Placeholders.SECRET + key.substring(7) + "}} (environment variables)"
                        + " or {{" + Placeholders.SECRET_FILE + key.substring(7) + "}} (a file)");
                continue;
            }
            if (key.startsWith(Placeholders.SECRET) && givesSecret(blueprint, key.substring(Placeholders.SECRET.length())) && !inEnv) {
                errors.add(field, "{{" + key + "}} may be used in environment variables only (a command line is visible to every user"
                        + " of the host): use {{" + Placeholders.SECRET_FILE + key.substring(Placeholders.SECRET.length()) + "}}, the path of a file holding it");
                continue;
            }
            if (key.equals(Placeholders.DATABASE_JDBC_URL) && blueprint.hasDatabase() && !inEnv) {
                errors.add(field, "{{" + key + "}} holds the database password and may be used in environment variables only");
                continue;
            }
            boolean known = Placeholders.SERVER_KEYS.contains(key) || Placeholders.AGENT_KEYS.contains(key)
                    || (blueprint.hasDatabase() && Placeholders.DATABASE_KEYS.contains(key))
                    || (key.startsWith("params.") && blueprint.parameter(key.substring(7)) != null)
                    || (key.startsWith("ports.") && c.hasPort(key.substring(6)))
                    || (key.startsWith(Placeholders.SECRET) && givesSecret(blueprint, key.substring(Placeholders.SECRET.length())))
                    || (key.startsWith(Placeholders.SECRET_FILE) && givesSecret(blueprint, key.substring(Placeholders.SECRET_FILE.length())));
            if (!known) errors.add(field, "unknown placeholder {{" + key + "}}");
        }
    }

    /** A declared secret, a parameter of type secret, or the database password. */
    private static boolean givesSecret(Blueprint blueprint, String name) {
        return blueprint.secret(name) != null || (blueprint.parameter(name) != null && blueprint.parameter(name).isSecret())
                || (blueprint.hasDatabase() && name.equals(DATABASE_PASSWORD));
    }

    /** The secret that holds an instance's database password; a blueprint with a database may not use the name for its own. */
    public static final String DATABASE_PASSWORD = "PGPASSWORD";

    private static void validateDatabase(Blueprint blueprint, Errors errors) {
        DatabaseDeclaration db = blueprint.database();
        if (db == null) return;
        String field = ROOT + ".database";
        if (db.engine() != null && !db.engine().equals(DatabaseDeclaration.POSTGRES)) errors.add(field + ".engine", "must be postgres (the only engine)");
        if (blueprint.secret(DATABASE_PASSWORD) != null || blueprint.parameter(DATABASE_PASSWORD) != null) {
            errors.add(field, "'" + DATABASE_PASSWORD + "' is the database password's name: give your secret or parameter another");
        }
        String highest = null;
        long total = 0;
        for (int i = 0; i < db.migrations().size(); i++) {
            Migration m = db.migrations().get(i);
            String at = field + ".migrations[" + i + "]";
            if (m == null) {
                errors.add(at, "must not be null");
                continue;
            }
            if (m.version() == null || !m.version().matches(Migration.VERSION)) {
                errors.add(at + ".version", "must be a dotted number such as 1, 1.1 or 2 (at most 5 parts)");
            } else {
                int order = highest == null ? 1 : Migration.compareVersions(m.version(), highest);
                if (order == 0) errors.add(at + ".version", "duplicate migration version " + m.version());
                else if (order < 0) errors.add(at + ".version", "must be greater than the versions before it (migrations run in ascending order)");
                else highest = m.version();
            }
            if (m.description() == null || !m.description().matches(Migration.DESCRIPTION)) {
                errors.add(at + ".description", "must be 1-100 letters, digits, spaces, '_' or '-'");
            }
            if (m.sql() == null || m.sql().isBlank()) errors.add(at + ".sql", "must not be empty");
            else total += m.sql().length();
        }
        if (total > Migration.MAX_TOTAL_CHARS) errors.add(field + ".migrations", "must be at most " + Migration.MAX_TOTAL_CHARS + " characters of SQL together");
    }

    private static void validateSecrets(Blueprint blueprint, Errors errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < blueprint.secrets().size(); i++) {
            SecretDeclaration s = blueprint.secrets().get(i);
            String field = ROOT + ".secrets[" + i + "]";
            if (s == null) {
                errors.add(field, "must not be null");
            } else if (s.name() == null || !s.name().matches(SECRET_NAME)) {
                errors.add(field + ".name", "must be a letter followed by letters, digits or '_' (at most 63)");
            } else if (!names.add(s.name())) {
                errors.add(field + ".name", "duplicate secret '" + s.name() + "'");
            } else if (blueprint.parameter(s.name()) != null && blueprint.parameter(s.name()).isSecret()) {
                errors.add(field + ".name", "'" + s.name() + "' is also a secret parameter: give them different names");
            }
        }
    }

    /** What a secret's name may be. */
    public static final String SECRET_NAME = "[a-zA-Z][a-zA-Z0-9_]{0,62}";

    private static void validateParameters(List<Parameter> parameters, Errors errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            String field = ROOT + ".parameters[" + i + "]";
            if (p == null) {
                errors.add(field, "must not be null");
                continue;
            }
            if (p.name() == null || !p.name().matches("[a-zA-Z][a-zA-Z0-9_]{0,62}")) {
                errors.add(field + ".name", "must be a letter followed by letters, digits or '_'");
            } else if (!names.add(p.name())) {
                errors.add(field + ".name", "duplicate parameter '" + p.name() + "'");
            }
            if (p.type() == null) {
                errors.add(field + ".type", "must be string, integer, bool or secret");
                continue;
            }
            if (p.isSecret() && (p.defaultValue() != null || !p.allowed().isEmpty())) {
                errors.add(field + (p.defaultValue() != null ? ".default" : ".allowed"), "a secret parameter has neither a default nor allowed values");
                continue;
            }
            if (p.defaultValue() != null && ParameterBinder.coerce(p, p.defaultValue()) == null) {
                errors.add(field + ".default", "is not a valid " + p.type());
            }
            for (int a = 0; a < p.allowed().size(); a++) {
                if (ParameterBinder.coerce(p, p.allowed().get(a)) == null) errors.add(field + ".allowed[" + a + "]", "is not a valid " + p.type());
            }
        }
    }

    private static void validateHooks(Hooks hooks, Errors errors) {
        if (hooks == null) return;
        if (hooks.timeoutSeconds() != null && (hooks.timeoutSeconds() < 1 || hooks.timeoutSeconds() > 3600)) {
            errors.add(ROOT + ".hooks.timeoutSeconds", "must be between 1 and 3600");
        }
        if (hooks.preUpgrade().stream().anyMatch(s -> s == null || s.isEmpty())) errors.add(ROOT + ".hooks.preUpgrade", "must not contain empty words");
        if (hooks.postUpgrade().stream().anyMatch(s -> s == null || s.isEmpty())) errors.add(ROOT + ".hooks.postUpgrade", "must not contain empty words");
    }

    private static void validateIngress(Blueprint blueprint, Errors errors) {
        Ingress ingress = blueprint.ingress();
        if (ingress == null) return;
        Component c = ingress.component() == null ? null : blueprint.component(ingress.component());
        if (c == null) errors.add(ROOT + ".ingress.component", "must name a component of the blueprint");
        else if (ingress.port() == null || !c.hasPort(ingress.port())) errors.add(ROOT + ".ingress.port", "must name a port of component '" + c.name() + "'");
    }
}
