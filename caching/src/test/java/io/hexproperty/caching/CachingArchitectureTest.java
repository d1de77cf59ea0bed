package io.hexproperty.caching;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.hexproperty.testing.lane.Unit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** The caching library stays an adapter-free library: the app wires it, not the other way round. */
@Unit
class CachingArchitectureTest {

    private static final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.hexproperty.caching");

    @Test
    void dependsOnNoWebDatabaseOrAppCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.vertx..", "io.hexproperty.database..", "io.hexproperty.http..", "io.hexproperty.app..",
                        "java.sql..")
                .check(main);
    }

    @Test
    void layersDoNotDependOnStrategies() {
        noClasses().that().resideInAPackage("..caching.layers..")
                .should().dependOnClassesThat().resideInAPackage("..caching.strategies..")
                .check(main);
    }
}
