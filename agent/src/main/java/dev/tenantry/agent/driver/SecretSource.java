package dev.tenantry.agent.driver;

import dev.tenantry.api.cell.Deployment;
import java.io.IOException;
import java.util.Map;

/** Where the agent gets the values of an instance's secrets (the server, for the cell's own instances), name → value. */
public interface SecretSource {
    Map<String, String> values(Deployment deployment) throws IOException, InterruptedException;

    /** For a driver without a server: a deployment with secrets cannot start. */
    SecretSource NONE = d -> {
        throw new IOException("no secret source: instance " + d.key() + " is given secrets " + d.secrets().keySet());
    };
}
