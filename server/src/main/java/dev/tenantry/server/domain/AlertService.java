package dev.tenantry.server.domain;

import dev.tenantry.api.model.Alert;
import dev.tenantry.api.model.AlertOverride;
import dev.tenantry.api.model.AlertRuleInfo;
import dev.tenantry.api.model.Cell;
import dev.tenantry.api.model.Page;
import dev.tenantry.api.model.Plan;
import dev.tenantry.api.model.Quota;
import dev.tenantry.api.model.QuotaUsage.Usage;
import dev.tenantry.api.validation.Errors;
import dev.tenantry.server.alerts.AlertInputs;
import dev.tenantry.server.alerts.AlertRule;
import dev.tenantry.server.alerts.AlertRules;
import dev.tenantry.server.alerts.AlertThresholds;
import dev.tenantry.server.alerts.Finding;
import dev.tenantry.server.signals.Signals;
import dev.tenantry.server.store.Store;
import dev.tenantry.server.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alerts: evaluates the built-in rules on a timer (one server replica at a time), fires and resolves alerts as events,
 * runs the recovery of silent cells, and answers the API's reads and the rules' overrides.
 */
public final class AlertService {
    /** How often an instance's counters are sampled for the rules' windows. */
    public static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);
    /** How long samples are kept: the longest window and a margin. */
    public static final Duration SAMPLES_KEPT = AlertRule.Windows.CRASH.plusMinutes(5);
    public static final int MAX_LIMIT = 1000;
    private static final double MAX_THRESHOLD = 1e9;
    private static final Set<String> STATES = Set.of("firing", "resolved");

    private final Store store;
    private final Signals signals;
    private final Clock clock;

    public AlertService(Store store, Signals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    /** What one evaluation changed. */
    public record Evaluation(int fired, int resolved, int firing, List<String> replaced) {}

    public Evaluation evaluate() {
        Instant now = clock.instant();
        Evaluation result = store.tx(tx -> {
            tx.alerts().lockEvaluation();
            AlertThresholds thresholds = new AlertThresholds(tx.alerts().overrides());
            AlertInputs inputs = inputs(tx, now);
            List<Finding> findings = new ArrayList<>(AlertRules.evaluate(inputs, thresholds));
            List<String> replaced = new ArrayList<>();
            for (String cell : AlertRules.cellsToEvacuate(inputs, thresholds)) {
                AlertInputs.CellFacts facts = inputs.cells().stream().filter(c -> c.id().equals(cell)).findFirst().orElseThrow();
                Instant lastSign = facts.lastSeen() != null ? facts.lastSeen() : facts.createdAt();
                CellEvacuation.Result evacuated = CellEvacuation.evacuate(tx, cell, Duration.between(lastSign, now), now);
                replaced.addAll(evacuated.replaced());
                findings.replaceAll(f -> f.rule() == AlertRule.CELL_OFFLINE && f.subject().equals("cells/" + cell)
                        ? withRecovery(f, evacuated) : f);
            }
            tx.alerts().sample(inputs.instances(), now, SAMPLE_EVERY, SAMPLES_KEPT);
            return settle(tx, findings, now, replaced);
        });
        if (result.fired() + result.resolved() > 0 || !result.replaced().isEmpty()) signals.fire(Signals.Topic.EVENTS);
        if (!result.replaced().isEmpty()) {
            signals.fire(Signals.Topic.RECONCILE);
            signals.fire(Signals.Topic.CELLS);
        }
        return result;
    }

    private static Finding withRecovery(Finding f, CellEvacuation.Result evacuated) {
        Map<String, Object> figures = new LinkedHashMap<>(f.figures());
        if (!evacuated.replaced().isEmpty()) figures.put("replaced", evacuated.replaced());
        if (!evacuated.left().isEmpty()) figures.put("notReplaced", evacuated.left());
        return new Finding(f.rule(), f.subject(), f.tenant(), f.target(), f.message(), figures);
    }

    /** Fires what is new, keeps what still holds current, resolves what no longer holds; each firing and resolving is an event. */
    private static Evaluation settle(Tx tx, List<Finding> findings, Instant now, List<String> replaced) {
        Map<String, Alert> firing = tx.alerts().firing();
        int fired = 0;
        int resolved = 0;
        Set<String> holding = new java.util.HashSet<>();
        for (Finding f : findings) {
            if (!holding.add(f.key())) continue;
            Alert open = firing.get(f.key());
            if (open == null) {
                String id = Ids.newId("al", 16);
                tx.alerts().fire(id, f, now);
                tx.events().append("alert.firing", f.subject(), f.tenant(), tx.alerts().get(id).orElseThrow());
                fired++;
            } else {
                Finding kept = keepingReplaced(open, f);
                if (!open.message().equals(kept.message()) || !open.figures().equals(normalized(kept.figures()))) tx.alerts().refresh(open.id(), kept);
            }
        }
        for (var e : firing.entrySet()) {
            if (holding.contains(e.getKey())) continue;
            tx.alerts().resolve(e.getValue().id(), now);
            tx.events().append("alert.resolved", e.getValue().subject(), e.getValue().tenant(), tx.alerts().get(e.getValue().id()).orElseThrow());
            resolved++;
        }
        return new Evaluation(fired, resolved, holding.size(), replaced);
    }

    /** A still-firing alert keeps the instances its recovery re-placed while it fired (later evaluations find none left to move). */
    private static Finding keepingReplaced(Alert open, Finding f) {
        Object before = open.figures().get("replaced");
        if (!(before instanceof List<?> earlier) || earlier.isEmpty()) return f;
        Map<String, Object> figures = new LinkedHashMap<>(f.figures());
        java.util.LinkedHashSet<Object> all = new java.util.LinkedHashSet<>(earlier);
        if (f.figures().get("replaced") instanceof List<?> now) all.addAll(now);
        figures.put("replaced", List.copyOf(all));
        return new Finding(f.rule(), f.subject(), f.tenant(), f.target(), f.message(), figures);
    }

    /** The figures as they read back from the database (numbers as JSON numbers), to tell a real change from none. */
    private static Map<String, Object> normalized(Map<String, Object> figures) {
        return dev.tenantry.api.Json.MAPPER.convertValue(new java.util.TreeMap<>(figures),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    }

    private static AlertInputs inputs(Tx tx, Instant now) {
        List<AlertInputs.CellFacts> cells = tx.cells().list().stream()
                .map((Cell c) -> new AlertInputs.CellFacts(c.id(), c.lastSeen(), c.createdAt(), c.instances())).toList();
        return new AlertInputs(now, tx.alerts().watchedInstances(now, SAMPLES_KEPT), cells, tx.alerts().certificatesInUse(),
                tx.alerts().failedLatestBackups(), quotas(tx));
    }

    /** Each tenant's own quota, or for a tenant without one, each plan's quota that it has instances of, with what is used. */
    private static List<AlertInputs.QuotaFacts> quotas(Tx tx) {
        List<AlertInputs.QuotaFacts> facts = new ArrayList<>();
        Map<String, Quota> own = tx.alerts().tenantQuotas();
        own.forEach((tenant, quota) -> addFacts(facts, tenant, null, quota, Quotas.usage(tx, tenant, null, null)));
        Map<String, java.util.Optional<Plan>> plans = new java.util.HashMap<>();
        for (String[] tp : tx.alerts().livePlansOfTenants()) {
            if (own.containsKey(tp[0])) continue;
            Plan plan = plans.computeIfAbsent(tp[1] + "/" + tp[2], k -> tx.catalog().plan(tp[1], tp[2])).orElse(null);
            if (plan == null || plan.tenantQuota() == null) continue;
            addFacts(facts, tp[0], plan, plan.tenantQuota(), Quotas.usage(tx, tp[0], null, plan));
        }
        return facts;
    }

    private static void addFacts(List<AlertInputs.QuotaFacts> facts, String tenant, Plan plan, Quota quota, Usage used) {
        String service = plan == null ? null : plan.service();
        String name = plan == null ? null : plan.name();
        if (quota.instances() != null) facts.add(new AlertInputs.QuotaFacts(tenant, service, name, "instances", used.instances(), quota.instances()));
        if (quota.cpuMillis() != null) facts.add(new AlertInputs.QuotaFacts(tenant, service, name, "cpuMillis", used.cpuMillis(), quota.cpuMillis()));
        if (quota.memoryMb() != null) facts.add(new AlertInputs.QuotaFacts(tenant, service, name, "memoryMb", used.memoryMb(), quota.memoryMb()));
    }

    // --- the API

    /** Alerts newest first; a tenant's token sees its tenant's only (a provider's, such as a cell offline, never). */
    public Page<Alert> list(Principal who, String tenant, String state, String rule, String cursor, int limit) {
        Errors errors = new Errors();
        if (state != null && !STATES.contains(state)) errors.add("state", "must be firing or resolved");
        if (rule != null && AlertRule.byId(rule).isEmpty()) errors.add("rule", "no rule '" + rule + "'; the rules are " + ruleNames());
        if (limit < 1 || limit > MAX_LIMIT) errors.add("limit", "must be between 1 and " + MAX_LIMIT);
        errors.throwIfAny();
        if (tenant != null && !who.canSeeTenant(tenant)) throw new NotFoundException("tenant", "no tenant '" + tenant + "'");
        String only = who.tenant() != null ? who.tenant() : tenant;
        return store.tx(tx -> {
            if (cursor != null && tx.alerts().get(cursor).filter(a -> only == null || only.equals(a.tenant())).isEmpty()) {
                throw new ValidationFailure("cursor", "is not a cursor of this list");
            }
            return Pages.of(tx.alerts().list(only, state, rule, cursor, limit + 1), limit, Alert::id);
        });
    }

    public Alert get(Principal who, String id) {
        return store.tx(tx -> tx.alerts().get(id)).filter(a -> who.tenant() == null || who.tenant().equals(a.tenant()))
                .orElseThrow(() -> new NotFoundException("id", "no alert '" + id + "'"));
    }

    /** Every rule with its default and the overrides the caller may see (a tenant's token: the provider's, plans' and its own). */
    public List<AlertRuleInfo> rules(Principal who) {
        List<AlertOverride> overrides = store.tx(tx -> tx.alerts().overrides()).stream()
                .filter(o -> who.tenant() == null || o.tenant() == null || o.tenant().equals(who.tenant())).toList();
        return java.util.Arrays.stream(AlertRule.values()).filter(r -> who.tenant() == null || r.tenantScoped())
                .map(r -> new AlertRuleInfo(r.id(), r.description(), r.unit(), r.defaultThreshold(), r.tenantScoped(),
                        overrides.stream().filter(o -> o.rule().equals(r.id())).toList()))
                .toList();
    }

    /** Sets a rule's override for the provider, a plan or a tenant (replacing one of the same scope). */
    public AlertOverride putOverride(Principal who, String ruleId, AlertOverride body) {
        AlertRule rule = AlertRule.byId(ruleId).orElseThrow(() -> new NotFoundException("rule", "no rule '" + ruleId + "'; the rules are " + ruleNames()));
        Errors errors = new Errors();
        if (body.tenant() != null && (body.service() != null || body.plan() != null)) errors.add("tenant", "an override is for a tenant or a plan, not both");
        if ((body.service() == null) != (body.plan() == null)) errors.add(body.service() == null ? "service" : "plan", "a plan's override names its service and plan");
        if (!rule.tenantScoped() && (body.tenant() != null || body.service() != null)) {
            errors.add(body.tenant() != null ? "tenant" : "plan", "rule '" + rule.id() + "' is about the provider's cells: it is set for the provider only");
        }
        if (body.enabled() == null && body.threshold() == null) errors.add("threshold", "give a threshold, enabled, or both");
        if (body.threshold() != null && (!Double.isFinite(body.threshold()) || body.threshold() < rule.minThreshold()
                || body.threshold() > MAX_THRESHOLD)) {
            errors.add("threshold", "must be between " + (long) rule.minThreshold() + " and " + (long) MAX_THRESHOLD + " " + rule.unit()
                    + (rule.minThreshold() > 0 ? " (agents report every 10 s)" : ""));
        }
        errors.throwIfAny();
        AlertOverride override = new AlertOverride(rule.id(), body.tenant(), body.service(), body.plan(), body.enabled(), body.threshold());
        return store.tx(tx -> {
            if (body.tenant() != null && tx.tenants().get(body.tenant()).isEmpty()) throw new NotFoundException("tenant", "no tenant '" + body.tenant() + "'");
            if (body.plan() != null && tx.catalog().plan(body.service(), body.plan()).isEmpty()) {
                throw new NotFoundException("plan", "no plan '" + body.plan() + "' of service '" + body.service() + "'");
            }
            tx.alerts().putOverride(override);
            tx.events().append("alert-rule.changed", "alert-rules/" + rule.id(), body.tenant(),
                    Map.of("rule", rule.id(), "scope", override.scope(), "override", override, "actor", who.actor()));
            return override;
        });
    }

    public void deleteOverride(Principal who, String ruleId, String tenant, String service, String plan) {
        AlertRule rule = AlertRule.byId(ruleId).orElseThrow(() -> new NotFoundException("rule", "no rule '" + ruleId + "'"));
        String scope = new AlertOverride(rule.id(), tenant, service, plan, null, null).scope();
        store.run(tx -> {
            if (!tx.alerts().deleteOverride(scope, rule.id())) throw new NotFoundException("rule", "rule '" + rule.id() + "' has no override for " + scope);
            tx.events().append("alert-rule.changed", "alert-rules/" + rule.id(), tenant, Map.of("rule", rule.id(), "scope", scope, "actor", who.actor()));
        });
    }

    private static String ruleNames() {
        return java.util.Arrays.stream(AlertRule.values()).map(AlertRule::id).toList().toString();
    }
}
