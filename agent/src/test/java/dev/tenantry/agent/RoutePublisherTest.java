package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutePublisherTest {
    @TempDir
    Path work;

    private final AtomicReference<List<Route>> current = new AtomicReference<>(List.of());
    private final List<List<Route>> published = new ArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();

    @Test
    void publishesTheFirstRoutesEvenEmptyThenOnlyChanges() throws Exception {
        RoutePublisher publisher = new RoutePublisher(current::get, published::add, work.resolve(Route.FILE), changes::incrementAndGet);
        publisher.publish();
        assertThat(published).as("a gateway serves nothing until it has routes, even none").containsExactly(List.of());
        publisher.publish();
        assertThat(published).as("unchanged: not again").hasSize(1);

        Route web = new Route("a.bench.localhost", "ins_1", List.of("127.0.0.1:4000"), false, "1.0.0", false, false);
        current.set(List.of(web));
        publisher.publish();
        assertThat(published).last().isEqualTo(List.of(web));
        assertThat(changes).hasValue(2);
        publisher.flush();
        assertThat(work.resolve(Route.FILE)).as("with the gateway in this process, no file: nobody would read it").doesNotExist();

        publisher.clear();
        assertThat(published).last().isEqualTo(List.of());
    }

    @Test
    void aGatewayInItsOwnProcessGetsTheRoutesFile() {
        Route web = new Route("a.bench.localhost", "ins_1", List.of("127.0.0.1:4000"), false, "1.0.0", false, false);
        current.set(List.of(web));
        try (RoutePublisher publisher = new RoutePublisher(current::get, null, work.resolve(Route.FILE), changes::incrementAndGet)) {
            publisher.publish();
            publisher.flush();
            assertThat(Json.readFile(work.resolve(Route.FILE), Route[].class)).as("the file a gateway in its own process reads")
                    .hasValueSatisfying(routes -> assertThat(routes).containsExactly(web));
            assertThat(changes).hasValue(1);
        }
    }
}
