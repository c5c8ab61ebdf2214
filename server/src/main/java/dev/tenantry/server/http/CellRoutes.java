package dev.tenantry.server.http;

import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.server.domain.CellService;
import java.time.Duration;
import java.util.Map;

/** Cells, and the two calls agents make: the desired-state long poll and the status report. */
final class CellRoutes {
    private static final long MAX_WAIT_SECONDS = 60;
    private final CellService cells;

    CellRoutes(CellService cells) {
        this.cells = cells;
    }

    void register(Routes r) {
        r.get("/v1/cells", Access.PROVIDER_VIEWER, ctx -> Http.page(ctx, cells.list(), dev.tenantry.api.model.Cell::id));
        r.get("/v1/cells/{cell}", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, cells.get(ctx.pathParam("cell"))));
        r.put("/v1/cells/{cell}", Access.CELL_AGENT, ctx -> {
            CellRegistration body = Bodies.read(ctx, CellRegistration.class);
            Http.json(ctx, 200, cells.register(Http.principal(ctx), ctx.pathParam("cell"), body));
        });
        r.get("/v1/cells/{cell}/desired", Access.CELL_AGENT, ctx -> {
            long after = Http.longParam(ctx, "after", -1);
            long wait = Http.longParam(ctx, "wait", 25);
            if (wait < 0 || wait > MAX_WAIT_SECONDS) throw ProblemException.badRequest("wait", "wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
            Http.json(ctx, 200, cells.awaitDesiredState(Http.principal(ctx), ctx.pathParam("cell"), after, Duration.ofSeconds(wait)));
        });
        r.put("/v1/cells/{cell}/status", Access.CELL_AGENT, ctx -> {
            CellReport report = Bodies.readReport(ctx, CellReport.class);
            if (!ctx.pathParam("cell").equals(report.cell())) throw ProblemException.badRequest("cell", "the report's cell must match the path");
            cells.report(Http.principal(ctx), ctx.pathParam("cell"), report);
            ctx.status(204);
        });
    }
}
