package dev.tenantry.server.domain;

import dev.tenantry.api.cell.UsageReport;
import dev.tenantry.api.model.CostModel;
import dev.tenantry.api.model.Margin;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.UnitPrices;
import dev.tenantry.api.model.Usage;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.billing.Valuation;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.UsageRepository;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Usage as agents meter it, per instance and hour; its value at plan prices and cell costs; the margin per tenant. */
public final class UsageService {
    /** The longest span one query covers. */
    public static final Duration MAX_SPAN = Duration.ofDays(366);
    /** Reports that do not follow on from the cell's last one by more than this leave a gap. */
    static final Duration GAP_TOLERANCE = Duration.ofSeconds(1);
    private static final Map<String, Map<String, String>> GROUPS = Map.of(
            "tenant", keys("tenant", "tenant"),
            "instance", keys("tenant", "tenant", "instance", "instance"),
            "plan", keys("service", "service", "plan", "plan"),
            "cell", keys("cell", "cell"),
            "hour", keys("hour", "to_char(hour at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')"),
            "day", keys("day", "to_char(hour at time zone 'UTC', 'YYYY-MM-DD')"));

    private final Store store;
    private final Clock clock;
    private final DatabaseSizes databaseSizes;

    public UsageService(Store store, DatabaseService databases, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.databaseSizes = new DatabaseSizes(store, databases, clock);
    }

    /** Measures the tenant databases of their own and adds their storage since the last measurement; returns how many it measured. */
    public int measureDatabases() {
        return databaseSizes.measure();
    }

    private static Map<String, String> keys(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return m;
    }

    /** Records an agent's report once (a report sent again is acknowledged and not counted), with any gap before it. */
    public void record(String cell, UsageReport report) {
        Errors errors = new Errors();
        if (report.meterId() == null || report.meterId().isBlank() || report.meterId().length() > 100) errors.add("meterId", "is required (at most 100 characters)");
        if (report.from() == null || report.to() == null || !report.to().isAfter(report.from())) errors.add("to", "must be after from");
        else if (Duration.between(report.from(), report.to()).compareTo(MAX_SPAN) > 0) errors.add("from", "a report covers at most " + MAX_SPAN.toDays() + " days");
        for (int i = 0; i < report.instances().size(); i++) {
            var u = report.instances().get(i);
            if (u.instanceUid() == null || u.runningSeconds() < 0 || u.cpuSeconds() < 0 || u.memoryGbSeconds() < 0 || u.requests() < 0 || u.bytesIn() < 0
                    || u.bytesOut() < 0 || u.storageGbSeconds() < 0 || !Double.isFinite(u.cpuSeconds() + u.memoryGbSeconds() + u.storageGbSeconds())) {
                errors.add("instances[" + i + "]", "needs an instanceUid and figures of zero or more");
            }
        }
        errors.throwIfAny();
        store.run(tx -> {
            UsageRepository usage = tx.usage();
            if (!usage.receive(cell, report)) return;
            Optional<Instant> last = usage.lastMeasured(cell, report.meterId());
            if (last.isPresent() && Duration.between(last.get(), report.from()).compareTo(GAP_TOLERANCE) > 0) {
                usage.gap(cell, last.get(), report.from(), "missing", "no usage was measured on cell " + cell + " (its agent's meter started afresh, or dropped reports it could not send)");
            }
            if (report.estimated()) {
                usage.gap(cell, report.from(), report.to(), "estimated", "the agent of cell " + cell
                        + " restarted in this interval: CPU is exact, time, memory and storage are interpolated");
            }
            usage.measuredUntil(cell, report.meterId(), report.to());
            usage.add(cell, report);
        });
    }

    /** Usage grouped by {@code groupBy} (default tenant) from {@code from} to {@code to} (whole hours; default the last 24); a tenant's token sees its own. */
    public Usage usage(Principal who, String tenant, String fromText, String toText, String groupBy) {
        String group = groupBy == null ? "tenant" : groupBy;
        Errors errors = new Errors();
        if (!GROUPS.containsKey(group)) errors.add("groupBy", "must be one of " + new java.util.TreeSet<>(GROUPS.keySet()));
        Instant[] span = span(errors, fromText, toText);
        errors.throwIfAny();
        if (tenant != null && !who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
        String only = who.tenant() != null ? who.tenant() : tenant;
        return store.tx(tx -> {
            Prices prices = prices(tx);
            Map<Map<String, String>, Usage.Row> rows = new LinkedHashMap<>();
            for (UsageRepository.Sum s : tx.usage().sums(span[0], span[1], only, GROUPS.get(group))) {
                Usage.Row add = new Usage.Row(s.keys(), s.runningSeconds() / 3600, Map.of(s.service() + "/" + s.plan(), s.runningSeconds() / 3600),
                        s.cpuSeconds() / 3600, s.memoryGbSeconds() / 3600, s.storageGbSeconds() / 3600, Math.round(s.requests()), Math.round(s.bytesIn()),
                        Math.round(s.bytesOut()), prices.revenue(s));
                rows.merge(s.keys(), add, UsageService::plus);
            }
            List<Usage.Gap> gaps = tx.usage().gaps(span[0], span[1]).stream()
                    .map(g -> who.tenant() == null ? g : new Usage.Gap(null, g.from(), g.to(), g.kind(), g.kind().equals("missing")
                            ? "no usage was measured on a cell" : "figures partly interpolated (an agent restarted)"))
                    .toList();
            return new Usage(span[0], span[1], group, List.copyOf(rows.values()), gaps);
        });
    }

    /** Revenue, cost and margin per tenant, with the heavy hitters (provider scope). */
    public Margin margin(String fromText, String toText) {
        Errors errors = new Errors();
        Instant[] span = span(errors, fromText, toText);
        errors.throwIfAny();
        return store.tx(tx -> {
            Prices prices = prices(tx);
            Map<String, CostModel> costs = tx.usage().costs();
            Map<String, double[]> byTenant = new LinkedHashMap<>();
            for (UsageRepository.Sum s : tx.usage().sums(span[0], span[1], null, GROUPS.get("tenant"))) {
                double[] t = byTenant.computeIfAbsent(s.keys().get("tenant"), k -> new double[6]);
                t[0] += prices.revenue(s);
                t[1] += Valuation.cost(s.cpuSeconds(), s.memoryGbSeconds(), s.storageGbSeconds(), costs.getOrDefault(s.cell(), CostModel.NONE));
                t[2] += s.runningSeconds() / 3600;
                t[3] += s.cpuSeconds() / 3600;
                t[4] += s.memoryGbSeconds() / 3600;
                t[5] += s.storageGbSeconds() / 3600;
            }
            List<Margin.TenantMargin> tenants = byTenant.entrySet().stream().map(e -> {
                double[] t = e.getValue();
                return new Margin.TenantMargin(e.getKey(), round(t[0]), round(t[1]), round(t[0] - t[1]), t[0] > 0 ? round(t[1] / t[0]) : null,
                        t[2], t[3], t[4], t[5]);
            }).toList();
            return Valuation.report(span[0], span[1], tenants);
        });
    }

    public CostModel putCost(Principal who, String cell, CostModel model) {
        Errors errors = new Errors();
        nonNegative(errors, "perCoreHour", model.perCoreHour());
        nonNegative(errors, "perGbHourMemory", model.perGbHourMemory());
        nonNegative(errors, "perGbHourStorage", model.perGbHourStorage());
        errors.throwIfAny();
        store.run(tx -> {
            if (tx.cells().get(cell).isEmpty()) throw new NotFoundException("cell", "no cell '" + cell + "'");
            tx.usage().putCost(cell, model);
            tx.audit().record(who.actor(), "cell.cost-model", "cells/" + cell, null, "success", model.toString());
        });
        return model;
    }

    public CostModel cost(String cell) {
        return store.tx(tx -> {
            if (tx.cells().get(cell).isEmpty()) throw new NotFoundException("cell", "no cell '" + cell + "'");
            return tx.usage().costs().getOrDefault(cell, CostModel.NONE);
        });
    }

    public UnitPrices putUnitPrices(Principal who, String service, String plan, UnitPrices prices) {
        Errors errors = new Errors();
        nonNegative(errors, "perMillionRequests", prices.perMillionRequests());
        nonNegative(errors, "perGbOut", prices.perGbOut());
        errors.throwIfAny();
        store.run(tx -> {
            if (tx.catalog().plan(service, plan).isEmpty()) throw new NotFoundException("plan", "no plan '" + plan + "' of service '" + service + "'");
            tx.usage().putUnitPrices(service, plan, prices);
            tx.audit().record(who.actor(), "plan.unit-prices", "services/" + service + "/plans/" + plan, null, "success", prices.toString());
        });
        return prices;
    }

    public UnitPrices unitPrices(String service, String plan) {
        return store.tx(tx -> {
            if (tx.catalog().plan(service, plan).isEmpty()) throw new NotFoundException("plan", "no plan '" + plan + "' of service '" + service + "'");
            return tx.usage().unitPrices().getOrDefault(service + "/" + plan, UnitPrices.NONE);
        });
    }

    private static void nonNegative(Errors errors, String field, BigDecimal value) {
        if (value == null) errors.add(field, "is required");
        else if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(1_000_000)) > 0) errors.add(field, "must be between 0 and 1000000");
    }

    /** The span asked for, in whole hours (from rounded down, to rounded up); the last 24 hours by default. */
    private Instant[] span(Errors errors, String fromText, String toText) {
        Instant now = clock.instant();
        Instant to = parse(errors, "to", toText, now);
        Instant from = parse(errors, "from", fromText, (to == null ? now : to).minus(Duration.ofHours(24)));
        if (from == null || to == null) return new Instant[2];
        from = from.truncatedTo(ChronoUnit.HOURS);
        Instant up = to.truncatedTo(ChronoUnit.HOURS);
        to = up.equals(to) ? to : up.plus(1, ChronoUnit.HOURS);
        if (!to.isAfter(from)) errors.add("to", "must be after from");
        else if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) errors.add("from", "a query covers at most " + MAX_SPAN.toDays() + " days");
        return new Instant[] {from, to};
    }

    private static Instant parse(Errors errors, String field, String text, Instant otherwise) {
        if (text == null) return otherwise;
        try {
            return text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(field, "must be a date (2026-12-01) or a time (2026-12-01T10:00:00Z)");
            return null;
        }
    }

    private static Usage.Row plus(Usage.Row a, Usage.Row b) {
        Map<String, Double> plans = new java.util.TreeMap<>(a.instanceHoursByPlan());
        b.instanceHoursByPlan().forEach((k, v) -> plans.merge(k, v, Double::sum));
        return new Usage.Row(a.keys(), a.instanceHours() + b.instanceHours(), plans, a.cpuCoreHours() + b.cpuCoreHours(),
                a.memoryGbHours() + b.memoryGbHours(), a.storageGbHours() + b.storageGbHours(), a.requests() + b.requests(), a.bytesIn() + b.bytesIn(),
                a.bytesOut() + b.bytesOut(), a.revenue() + b.revenue());
    }

    private static double round(double v) {
        return Math.round(v * 1_000_000) / 1_000_000.0;
    }

    /** Plans' hourly prices and unit prices, read once per query. */
    private record Prices(Map<String, BigDecimal> hourly, Map<String, UnitPrices> units) {
        double revenue(UsageRepository.Sum s) {
            String key = s.service() + "/" + s.plan();
            return Valuation.revenue(s.runningSeconds(), hourly.get(key), s.requests(), s.bytesOut(), units.getOrDefault(key, UnitPrices.NONE));
        }
    }

    private static Prices prices(dev.tenantry.server.store.Tx tx) {
        Map<String, BigDecimal> hourly = new HashMap<>();
        for (var service : tx.catalog().services()) {
            for (Plan p : tx.catalog().plans(service.name())) if (p.pricePerHour() != null) hourly.put(p.service() + "/" + p.name(), p.pricePerHour());
        }
        return new Prices(hourly, tx.usage().unitPrices());
    }
}
