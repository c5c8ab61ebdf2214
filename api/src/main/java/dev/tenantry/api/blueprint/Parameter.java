package dev.tenantry.api.blueprint;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A typed setting that each tenant's instance may give a value for. */
public record Parameter(String name, Type type, @JsonProperty("default") Object defaultValue, List<Object> allowed,
                        Boolean required, String description) {
    public enum Type { string, integer, bool }

    public Parameter {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }
}
