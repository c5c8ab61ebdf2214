package dev.tenantry.agent.driver;

import java.util.List;

/** The unprivileged user and group a tenant's workload processes run as (numeric ids; no account is needed). */
record WorkloadUser(int uid, int gid) {
    private static final String SETPRIV = "/usr/bin/setpriv";

    /** The words that run the rest of a command line as this user: no groups of the agent's, no way back to privileges. */
    List<String> dropPrivileges() {
        return List.of(SETPRIV, "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--no-new-privs", "--");
    }

    static boolean canDropPrivileges() {
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of(SETPRIV));
    }
}
