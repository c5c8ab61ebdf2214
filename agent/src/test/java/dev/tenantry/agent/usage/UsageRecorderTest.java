package dev.tenantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.agent.driver.Driver;
import dev.tenantry.api.cell.UsageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's file: reports wait there while the server is away, and a new recorder goes on from the last sample. */
class UsageRecorderTest {
    @TempDir
    Path work;

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    private UsageRecorder recorder(Clock clock, UsageRecorder.Sink sink) {
        return new UsageRecorder(work, List::<Driver.Running>of, uid -> null, sink, clock, Duration.ofMinutes(1));
    }

    @Test
    void reportsWaitForTheServerAndARestartedRecorderGoesOnFromItsLastSample() throws Exception {
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        List<UsageReport> sent = new ArrayList<>();
        AtomicBoolean serverUp = new AtomicBoolean(false);
        UsageRecorder.Sink sink = report -> {
            if (!serverUp.get()) throw new IOException("connection refused");
            sent.add(report);
            return true;
        };
        UsageRecorder first = recorder(at(t0), sink);
        first.open();
        first.sampleOnce();
        // the agent stops and starts again a minute later: a new recorder on the same file
        UsageRecorder second = recorder(at(t0.plusSeconds(60)), sink);
        second.open();
        second.sampleOnce();
        assertThatThrownBy(second::sendPending).hasMessageContaining("connection refused");
        assertThat(Files.readString(work.resolve("usage.json"))).contains("\"seq\":1");
        assertThat(sent).isEmpty();

        UsageRecorder third = recorder(at(t0.plusSeconds(120)), sink);
        third.open();
        third.sampleOnce();
        serverUp.set(true);
        third.sendPending();
        assertThat(sent).extracting(UsageReport::seq).containsExactly(1L, 2L);
        assertThat(sent.get(0).from()).isEqualTo(t0);
        assertThat(sent.get(1).from()).as("no interval lost, none twice").isEqualTo(sent.get(0).to());
        assertThat(sent).allSatisfy(r -> assertThat(r.estimated()).as("the recorder restarted before each").isTrue());
        assertThat(sent.get(0).meterId()).isEqualTo(sent.get(1).meterId());
        assertThat(Files.readString(work.resolve("usage.json"))).as("accepted reports leave the file").doesNotContain("\"seq\":1,");
    }
}
