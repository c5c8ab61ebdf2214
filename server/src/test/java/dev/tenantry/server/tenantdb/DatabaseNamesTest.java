package dev.tenantry.server.tenantdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.model.DatabaseIsolation;
import org.junit.jupiter.api.Test;

class DatabaseNamesTest {
    @Test
    void eachModelHasItsPlace() {
        TenantDatabase.Location shared = DatabaseNames.locate(DatabaseIsolation.shared, "pg1", "my-notes", "ins_abc123");
        assertThat(shared.database()).isEqualTo("shared_my_notes");
        assertThat(shared.schema()).isEqualTo("public");
        assertThat(shared.role()).isEqualTo("t_abc123");
        assertThat(DatabaseNames.poolOwner(shared)).isEqualTo("shared_my_notes_owner");
        assertThat(DatabaseNames.poolTenants(shared)).isEqualTo("shared_my_notes_tenants");

        TenantDatabase.Location schema = DatabaseNames.locate(DatabaseIsolation.schema, "pg1", "my-notes", "ins_abc123");
        assertThat(schema.database()).isEqualTo("schemas_my_notes");
        assertThat(schema.schema()).isEqualTo("t_abc123");

        TenantDatabase.Location database = DatabaseNames.locate(DatabaseIsolation.database, "pg1", "my-notes", "ins_abc123");
        assertThat(database.database()).isEqualTo("t_abc123");
        assertThat(database.schema()).isEqualTo("public");
        assertThat(database.login(2)).isEqualTo("t_abc123_2");
    }

    @Test
    void onlySafeIdentifiersAreQuoted() {
        assertThat(DatabaseNames.q("t_abc123")).isEqualTo("\"t_abc123\"");
        assertThatThrownBy(() -> DatabaseNames.q("t\"; drop table x; --")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseNames.locate(DatabaseIsolation.schema, "pg1", "notes", "ins_../x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(TenantDatabaseAdmin.quoteAny("we\"ird")).isEqualTo("\"we\"\"ird\"");
    }

    @Test
    void theEndpointGivesLibpqVariablesAndTheJdbcUrlWithThePasswordLeftToTheAgent() {
        DatabaseEndpoint endpoint = new DatabaseEndpoint("10.0.0.5", 5433, "schemas_notes", "t_abc", "t_abc_1");
        assertThat(endpoint.environment()).containsEntry("PGHOST", "10.0.0.5").containsEntry("PGPORT", "5433")
                .containsEntry("PGDATABASE", "schemas_notes").containsEntry("PGUSER", "t_abc_1")
                .containsEntry("PGPASSWORD", "{{secrets.PGPASSWORD}}")
                .containsEntry("JDBC_DATABASE_URL", "jdbc:postgresql://10.0.0.5:5433/schemas_notes?user=t_abc_1&password={{secrets.PGPASSWORD}}");
        assertThat(endpoint.placeholder("database.schema")).isEqualTo("t_abc");
        assertThat(new DatabaseEndpoint("::1", 5432, "d", "public", "u").jdbcUrl()).startsWith("jdbc:postgresql://[::1]:5432/d");
    }
}
