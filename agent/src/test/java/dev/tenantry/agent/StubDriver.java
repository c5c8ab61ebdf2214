package dev.tenantry.agent;

import dev.tenantry.agent.driver.ChangedInstances;
import dev.tenantry.agent.driver.Driver;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.ObservedInstance;
import dev.tenantry.api.cell.Route;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A driver for the agent's tests that runs nothing: each test overrides what it observes. */
abstract class StubDriver implements Driver {
    @Override public void adoptRunning(List<Deployment> desired) { }
    @Override public void apply(List<Deployment> desired) { }
    @Override public List<String> purge(List<String> instanceUids) { return List.of(); }
    @Override public boolean wake(String instanceUid) { return false; }
    @Override public List<ObservedInstance> observe(Collection<String> instanceUids) { return observe(); }
    @Override public ChangedInstances.Taken changes() { return new ChangedInstances.Taken(true, Set.of()); }
    @Override public List<Running> running() { return List.of(); }
    @Override public List<Route> routes() { return List.of(); }
    @Override public Set<String> hosts() { return Set.of(); }
    @Override public Map<String, Map<String, String>> domains() { return Map.of(); }
    @Override public void detach() { }
    @Override public void close() { }
}
