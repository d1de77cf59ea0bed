package io.hexproperty.testing.browser;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Skips a browser test class or method, with the reason in the report, when Chromium is not
 * installed. Under CI (environment CI=true) the test runs anyway and fails at launch, so a
 * missing install step cannot pass as a green build.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ChromiumCondition.class)
public @interface RequiresChromium {
}
