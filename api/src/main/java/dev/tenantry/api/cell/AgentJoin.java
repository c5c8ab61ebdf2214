package dev.tenantry.api.cell;

/** An agent joining its cell: the one-time join token an admin made for the cell, and a certification request for its key. */
public record AgentJoin(String token, String csr) {
    @Override
    public String toString() {
        return "AgentJoin[token hidden]";
    }
}
