package dev.tenantry.app;

import dev.tenantry.server.domain.ApiLimits;
import picocli.CommandLine.Option;

/** The API's per-token rate limits, as options of the commands that run a server. */
final class ApiLimitOptions {
    @Option(names = "--api-reads-per-second", defaultValue = "" + ApiLimits.DEFAULT_READS_PER_SECOND,
            description = "Reads one API token may make per second, bursting to 5 s' worth (0: no limit; default: ${DEFAULT-VALUE})")
    double readsPerSecond;

    @Option(names = "--api-writes-per-second", defaultValue = "" + ApiLimits.DEFAULT_WRITES_PER_SECOND,
            description = "Changes one API token may make per second, bursting to 5 s' worth (0: no limit; default: ${DEFAULT-VALUE})")
    double writesPerSecond;

    ApiLimits toApiLimits() {
        return new ApiLimits(readsPerSecond, writesPerSecond);
    }
}
