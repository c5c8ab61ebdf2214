package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * An instance's release hooks around a move to another release (an upgrade or a rollback): which release its replicas
 * run (null: not known yet), and whether the target release's pre-upgrade hook ran. The converging thread's own.
 */
final class UpgradeHooks {
    /** Runs one hook of {@code d}: empty when it succeeded, else why it failed. */
    interface Runner {
        Optional<String> run(Deployment d, String name, List<String> command);
    }

    private String runningRelease;
    private String preHookRanFor;

    UpgradeHooks(String runningRelease) {
        this.runningRelease = runningRelease;
    }

    /** Whether {@code d} moves the instance to another release than its replicas ran. */
    boolean upgrading(Deployment d) {
        return runningRelease != null && !runningRelease.equals(d.release());
    }

    /** Whether {@code d}'s pre-upgrade hook is still to run before its first new replica. */
    boolean preHookDue(Deployment d) {
        return upgrading(d) && !d.release().equals(preHookRanFor);
    }

    /** Runs {@code d}'s pre-upgrade hook, once for this move: empty when it succeeded (or there is none), else why it failed. */
    Optional<String> runPre(Deployment d, Runner runner) {
        preHookRanFor = d.release();
        return d.hooks().preUpgrade().isEmpty() ? Optional.empty() : runner.run(d, "pre-upgrade", d.hooks().preUpgrade());
    }

    /** Every replica runs {@code d}'s release: runs its post-upgrade hook; the release counts as the running one whatever its result. */
    Optional<String> runPost(Deployment d, Runner runner) {
        Optional<String> failed = d.hooks().postUpgrade().isEmpty() ? Optional.empty() : runner.run(d, "post-upgrade", d.hooks().postUpgrade());
        converged(d);
        return failed;
    }

    /** The replicas run {@code d}'s release. */
    void converged(Deployment d) {
        runningRelease = d.release();
        preHookRanFor = null;
    }
}
