package dev.tenantry.server.http;

import dev.tenantry.api.cell.UsageReport;
import dev.tenantry.api.model.CostModel;
import dev.tenantry.api.model.UnitPrices;
import dev.tenantry.api.model.Usage;
import dev.tenantry.server.domain.UsageService;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Usage and billing: agents report what their instances used; members read usage (a tenant's token its own, as JSON or
 * CSV); provider viewers read the margin per tenant; provider admins set cells' cost models and plans' unit prices.
 */
final class UsageRoutes {
    private final UsageService usage;

    UsageRoutes(UsageService usage) {
        this.usage = usage;
    }

    void register(Routes r) {
        r.post("/v1/cells/{cell}/usage", Access.CELL_AGENT, ctx -> {
            usage.record(ctx.pathParam("cell"), Bodies.read(ctx, UsageReport.class));
            ctx.status(204);
        });
        r.get("/v1/usage", Access.MEMBER_VIEWER, ctx -> {
            Usage result = usage.usage(Http.principal(ctx), ctx.queryParam("tenant"), ctx.queryParam("from"), ctx.queryParam("to"),
                    ctx.queryParam("groupBy"));
            if (wantsCsv(ctx)) ctx.status(200).contentType("text/csv; charset=utf-8").result(csv(result));
            else Http.json(ctx, 200, result);
        });
        r.get("/v1/margin", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, usage.margin(ctx.queryParam("from"), ctx.queryParam("to"))));
        r.get("/v1/cells/{cell}/cost-model", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200, usage.cost(ctx.pathParam("cell"))));
        r.put("/v1/cells/{cell}/cost-model", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200,
                usage.putCost(Http.principal(ctx), ctx.pathParam("cell"), Bodies.read(ctx, CostModel.class))));
        r.get("/v1/services/{service}/plans/{plan}/unit-prices", Access.PROVIDER_VIEWER, ctx -> Http.json(ctx, 200,
                usage.unitPrices(ctx.pathParam("service"), ctx.pathParam("plan"))));
        r.put("/v1/services/{service}/plans/{plan}/unit-prices", Access.PROVIDER_ADMIN, ctx -> Http.json(ctx, 200,
                usage.putUnitPrices(Http.principal(ctx), ctx.pathParam("service"), ctx.pathParam("plan"), Bodies.read(ctx, UnitPrices.class))));
    }

    private static boolean wantsCsv(Context ctx) {
        if (ctx.queryParam("format") != null) {
            String format = ctx.queryParam("format");
            if (!format.equals("csv") && !format.equals("json")) throw ProblemException.badRequest("format", "format must be json or csv");
            return format.equals("csv");
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/csv");
    }

    /** One line per row: its keys, then the figures (instance-hours by plan as plan=hours;…), RFC 4180 quoting. */
    static String csv(Usage usage) {
        Set<String> keys = new LinkedHashSet<>();
        usage.items().forEach(row -> keys.addAll(row.keys().keySet()));
        List<String> header = new ArrayList<>(keys);
        header.addAll(List.of("instanceHours", "instanceHoursByPlan", "cpuCoreHours", "memoryGbHours", "storageGbHours", "requests", "bytesIn",
                "bytesOut", "revenue"));
        StringBuilder out = new StringBuilder(String.join(",", header)).append("\r\n");
        for (Usage.Row row : usage.items()) {
            List<String> cells = new ArrayList<>();
            for (String k : keys) cells.add(quote(row.keys().getOrDefault(k, "")));
            StringBuilder plans = new StringBuilder();
            row.instanceHoursByPlan().forEach((plan, hours) -> plans.append(plans.isEmpty() ? "" : ";").append(plan).append('=').append(number(hours)));
            cells.addAll(List.of(number(row.instanceHours()), quote(plans.toString()), number(row.cpuCoreHours()), number(row.memoryGbHours()),
                    number(row.storageGbHours()), String.valueOf(row.requests()), String.valueOf(row.bytesIn()), String.valueOf(row.bytesOut()),
                    number(row.revenue())));
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString();
    }

    private static String number(double v) {
        return new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
