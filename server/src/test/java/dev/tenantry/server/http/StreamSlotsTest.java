package dev.tenantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.server.domain.Principal;
import dev.tenantry.server.domain.QuotaExceededException;
import dev.tenantry.api.model.Role;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event streams per token, per tenant and in all: refused past each limit, saying which, and given back when they end. */
class StreamSlotsTest {
    private static Principal tenantToken(String id, String tenant) {
        return new Principal(id, id, Role.viewer, tenant, null);
    }

    @Test
    void eachLimitHoldsAndEndedStreamsGiveTheirSlotsBack() {
        StreamSlots slots = new StreamSlots(2, 3, 5);
        Principal a1 = tenantToken("tok_a1", "acme");
        Principal a2 = tenantToken("tok_a2", "acme");
        Principal provider = new Principal("tok_p", "ops", Role.admin, null, null);
        List<StreamSlots.Slot> held = new ArrayList<>();
        held.add(slots.take(a1));
        held.add(slots.take(a1));
        assertThatThrownBy(() -> slots.take(a1)).isInstanceOf(QuotaExceededException.class).hasMessageContaining("this token already has 2");
        held.add(slots.take(a2));
        assertThatThrownBy(() -> slots.take(a2)).as("acme's tokens together").isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("tenant 'acme' already has 3");
        assertThat(slots.openFor("token/tok_a2")).as("a refused stream holds nothing").isEqualTo(1);
        held.add(slots.take(provider));
        held.add(slots.take(provider));
        assertThatThrownBy(() -> slots.take(tenantToken("tok_g", "globex"))).as("the server's five").isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("this server already holds 5");
        assertThat(slots.openFor("tenant/globex")).isZero();

        held.removeFirst().close();
        assertThat(slots.openFor("token/tok_a1")).isEqualTo(1);
        held.add(slots.take(tenantToken("tok_g", "globex")));
        held.forEach(StreamSlots.Slot::close);
        assertThat(slots.openFor("token/tok_a1")).isZero();
        assertThat(slots.openFor("tenant/acme")).isZero();
        for (int i = 0; i < 5; i++) slots.take(tenantToken("tok_" + i, "t" + i)); // all five slots free again
    }
}
