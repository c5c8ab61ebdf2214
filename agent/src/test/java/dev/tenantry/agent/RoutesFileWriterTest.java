package dev.tenantry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesFileWriterTest {
    @TempDir
    Path work;

    private static List<Route> routes(int n) {
        return List.of(new Route("i" + n + ".bench.localhost", "ins_" + n, List.of("127.0.0.1:" + (4000 + n)), false, "1.0.0", false, false));
    }

    private Optional<List<Route>> onFile() {
        return Json.readFile(work.resolve(Route.FILE), Route[].class).map(List::of);
    }

    @Test
    void routesAreWrittenSoonWithoutWaitingAndABurstEndsWithItsLastRoutes() throws Exception {
        try (RoutesFileWriter writer = new RoutesFileWriter(work.resolve(Route.FILE))) {
            writer.write(routes(0));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFile().equals(Optional.of(routes(0))));

            int before = writer.written();
            for (int i = 1; i <= 20; i++) {
                writer.write(routes(i));
                Thread.sleep(5);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFile().equals(Optional.of(routes(20))));
            assertThat(writer.written() - before).as("twenty routes 5 ms apart are gathered into a few files").isLessThanOrEqualTo(6);
        }
    }

    @Test
    void closingWritesWhatIsPending() {
        RoutesFileWriter writer = new RoutesFileWriter(work.resolve(Route.FILE));
        writer.write(routes(1));
        writer.write(routes(2));
        writer.close();
        assertThat(onFile()).as("the last routes, on the file once closed").contains(routes(2));
    }
}
