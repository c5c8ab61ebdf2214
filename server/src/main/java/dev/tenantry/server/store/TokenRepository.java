package dev.tenantry.server.store;

import dev.tenantry.api.model.Role;
import dev.tenantry.api.model.Token;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** API tokens; only a hash of each secret is stored. */
public final class TokenRepository {
    private final Handle h;

    TokenRepository(Handle h) {
        this.h = h;
    }

    public void insert(Token token, String hash) {
        h.createUpdate("insert into tokens (id, name, role, tenant, cell, hash) values (:id, :n, :r, :t, :c, :h)")
                .bind("id", token.id()).bind("n", token.name()).bind("r", token.role().name()).bind("t", token.tenant())
                .bind("c", token.cell()).bind("h", hash).execute();
    }

    public Optional<Token> activeByHash(String hash) {
        return h.createQuery("select * from tokens where hash = :h and revoked_at is null").bind("h", hash).map((rs, c) -> row(rs)).findOne();
    }

    public Optional<Token> get(String id) {
        return h.createQuery("select * from tokens where id = :id").bind("id", id).map((rs, c) -> row(rs)).findOne();
    }

    public List<Token> list(String tenant) {
        return h.createQuery("select * from tokens where (:t::text is null or tenant = :t) order by created_at").bind("t", tenant)
                .map((rs, c) -> row(rs)).list();
    }

    /** Revokes every active agent token of the cell; returns how many. */
    public int revokeAgentTokensOf(String cell) {
        return h.createUpdate("update tokens set revoked_at = now() where role = 'agent' and cell = :cell and revoked_at is null")
                .bind("cell", cell).execute();
    }

    public boolean revoke(String id) {
        return h.createUpdate("update tokens set revoked_at = now() where id = :id and revoked_at is null").bind("id", id).execute() > 0;
    }

    /** Active (not revoked) tokens of the tenant. */
    public int countActiveOf(String tenant) {
        return h.createQuery("select count(*) from tokens where tenant = :t and revoked_at is null").bind("t", tenant).mapTo(Integer.class).one();
    }

    public int countActive(Role role) {
        return h.createQuery("select count(*) from tokens where role = :r and revoked_at is null").bind("r", role.name())
                .mapTo(Integer.class).one();
    }

    private static Token row(ResultSet rs) throws SQLException {
        return new Token(rs.getString("id"), rs.getString("name"), Role.valueOf(rs.getString("role")), rs.getString("tenant"),
                rs.getString("cell"), JsonColumns.instant(rs, "created_at"), JsonColumns.instant(rs, "revoked_at"), null);
    }
}
