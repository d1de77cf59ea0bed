package io.hexproperty.testing.lane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/** Test lane {@code unit}: Fast, in-process: no server, no external process, no wall-clock assertion. The lane of ./hexproperty test --fast. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("unit")
public @interface Unit {}
