package io.hexproperty.testing.lane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/** Test lane {@code postgres}: Starts or uses a real PostgreSQL (embedded zonky binaries, or a whole platform on one). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("postgres")
public @interface Postgres {}
