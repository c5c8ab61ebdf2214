package dev.tenantry.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.api.model.Role;
import dev.tenantry.server.domain.AccessPolicy.Audience;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
    private static final Principal PROVIDER_ADMIN = new Principal("t1", "admin", Role.admin, null, null);
    private static final Principal PROVIDER_VIEWER = new Principal("t2", "viewer", Role.viewer, null, null);
    private static final Principal ACME_ADMIN = new Principal("t3", "acme admin", Role.admin, "acme", null);
    private static final Principal ACME_VIEWER = new Principal("t4", "acme viewer", Role.viewer, "acme", null);
    private static final Principal LOCAL_AGENT = new Principal("t5", "agent", Role.agent, null, "local");

    @Test
    void providerRoutesAreClosedToTenantTokensWhateverTheirRole() {
        AccessPolicy catalogWrite = AccessPolicy.of(Audience.PROVIDER, Role.admin);
        assertThat(catalogWrite.denial(PROVIDER_ADMIN, null, null)).isEmpty();
        assertThat(catalogWrite.denial(ACME_ADMIN, null, null)).hasValueSatisfying(r -> assertThat(r).contains("provider-wide"));
        assertThat(catalogWrite.denial(PROVIDER_VIEWER, null, null)).hasValueSatisfying(r -> assertThat(r).contains("needs admin"));
        assertThat(catalogWrite.denial(LOCAL_AGENT, null, null)).isPresent();
    }

    @Test
    void tenantRoutesAdmitProvidersAndTheTenantInThePathOnly() {
        AccessPolicy instanceWrite = AccessPolicy.of(Audience.TENANT, Role.operator);
        assertThat(instanceWrite.denial(PROVIDER_ADMIN, "globex", null)).isEmpty();
        assertThat(instanceWrite.denial(ACME_ADMIN, "acme", null)).isEmpty();
        assertThat(instanceWrite.denial(ACME_ADMIN, "globex", null)).hasValueSatisfying(r -> assertThat(r).contains("cannot reach tenant 'globex'"));
        assertThat(instanceWrite.denial(ACME_ADMIN, null, null)).isPresent();
        assertThat(instanceWrite.denial(ACME_VIEWER, "acme", null)).isPresent();
        assertThat(instanceWrite.denial(PROVIDER_VIEWER, "acme", null)).isPresent();
    }

    @Test
    void cellRoutesAdmitOnlyTheirOwnCellsAgent() {
        AccessPolicy report = AccessPolicy.of(Audience.CELL_AGENT, null);
        assertThat(report.denial(LOCAL_AGENT, null, "local")).isEmpty();
        assertThat(report.denial(LOCAL_AGENT, null, "rogue")).isPresent();
        assertThat(report.denial(PROVIDER_ADMIN, null, "local")).isPresent();
        assertThat(AccessPolicy.of(Audience.MEMBER, Role.viewer).denial(LOCAL_AGENT, null, null)).isPresent();
    }

    @Test
    void membersRoutesAdmitBothScopesAndPublicOnesEveryone() {
        assertThat(AccessPolicy.of(Audience.MEMBER, Role.viewer).denial(ACME_VIEWER, null, null)).isEmpty();
        assertThat(AccessPolicy.of(Audience.MEMBER, Role.admin).denial(ACME_VIEWER, null, null)).isPresent();
        assertThat(AccessPolicy.of(Audience.PUBLIC, null).denial(LOCAL_AGENT, null, null)).isEmpty();
    }

    @Test
    void describesItselfAsTheOpenApiDocumentWritesIt() {
        assertThat(AccessPolicy.of(Audience.TENANT, Role.operator).describe()).isEqualTo("tenant:operator");
        assertThat(AccessPolicy.of(Audience.CELL_AGENT, null).describe()).isEqualTo("cell-agent");
        assertThatThrownBy(() -> AccessPolicy.of(Audience.PROVIDER, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AccessPolicy.of(Audience.PROVIDER, Role.agent)).isInstanceOf(IllegalArgumentException.class);
    }
}
