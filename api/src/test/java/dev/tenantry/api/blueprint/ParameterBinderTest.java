package dev.tenantry.api.blueprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantry.api.validation.FieldError;
import dev.tenantry.api.validation.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterBinderTest {
    private final Blueprint blueprint = new Blueprint(List.of(), List.of(
            new Parameter("greeting", Parameter.Type.string, "Hello", List.of(), false, null),
            new Parameter("workers", Parameter.Type.integer, null, List.of(), true, null),
            new Parameter("tier", Parameter.Type.string, "small", List.of("small", "large"), false, null),
            new Parameter("debug", Parameter.Type.bool, false, List.of(), false, null)), null);

    @Test
    void appliesDefaultsAndKeepsTypes() {
        Map<String, Object> bound = ParameterBinder.bind(blueprint, Map.of("workers", 4));
        assertThat(bound).containsEntry("greeting", "Hello").containsEntry("workers", 4L)
                .containsEntry("tier", "small").containsEntry("debug", false);
    }

    @Test
    void reportsMissingMistypedUnknownAndDisallowedValues() {
        ValidationException e = catchThrowableOfType(ValidationException.class,
                () -> ParameterBinder.bind(blueprint, Map.of("greeting", 5, "tier", "huge", "colour", "red", "debug", "yes")));
        assertThat(e.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("parameters.colour", "parameters.greeting", "parameters.workers", "parameters.tier", "parameters.debug");
    }

    @Test
    void aNumericStringIsNotAnInteger() {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> ParameterBinder.bind(blueprint, Map.of("workers", "3")));
        assertThat(e.errors()).containsExactly(new FieldError("parameters.workers", "must be of type integer"));
    }
}
