package dev.tenantry.api.blueprint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A typed setting that each tenant's instance may give a value for. A {@code secret} parameter's value is stored
 * encrypted and never shown (the instance shows that it is set and its version); it reaches the process only as
 * {@code {{secrets.NAME}}} or {@code {{secretFiles.NAME}}}, never as {@code {{params.NAME}}}.
 */
public record Parameter(String name, Type type, @JsonProperty("default") Object defaultValue, List<Object> allowed,
                        Boolean required, String description) {
    public enum Type { string, integer, bool, secret }

    @JsonIgnore
    public boolean isSecret() {
        return type == Type.secret;
    }

    public Parameter {
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }
}
