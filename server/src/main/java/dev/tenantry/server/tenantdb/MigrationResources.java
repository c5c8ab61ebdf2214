package dev.tenantry.server.tenantdb;

import dev.tenantry.api.blueprint.Migration;
import java.io.Reader;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * A release's migrations and a connection callback as Flyway's resources, in memory: Flyway reads them as it would
 * files of one directory, and nothing is written to disk (a temporary directory was left behind by a server killed
 * while it migrated).
 */
final class MigrationResources implements ResourceProvider {
    private final Map<String, String> files = new LinkedHashMap<>();

    /** {@code afterConnect}: SQL each of Flyway's connections runs first. */
    MigrationResources(List<Migration> migrations, String afterConnect) {
        files.put("afterConnect.sql", afterConnect);
        for (Migration m : migrations) files.put(m.fileName(), m.sql());
    }

    @Override
    public LoadableResource getResource(String name) {
        String sql = files.get(name);
        return sql == null ? null : new Sql(name, sql);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return files.entrySet().stream().filter(f -> f.getKey().startsWith(prefix) && Arrays.stream(suffixes).anyMatch(f.getKey()::endsWith))
                .<LoadableResource>map(f -> new Sql(f.getKey(), f.getValue())).toList();
    }

    private static final class Sql extends LoadableResource {
        private final String name;
        private final String sql;

        private Sql(String name, String sql) {
            this.name = name;
            this.sql = sql;
        }

        @Override
        public Reader read() {
            return new StringReader(sql);
        }

        @Override
        public String getAbsolutePath() {
            return name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return name;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
