package io.hexproperty.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.hexproperty.testing.lane.Unit;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of ARCHITECTURE.md: a pure domain, adapters that never reach into app. */
@Unit
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.hexproperty");
    }

    @Test
    void domainDependsOnlyOnTheJdkAndItself() {
        classes().that().resideInAPackage("io.hexproperty.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.hexproperty.domain..")
                .because("the domain holds records and ports only: no HTTP, SQL, Redis or Vert.x")
                .check(classes);
    }

    @Test
    void adaptersDoNotDependOnTheCompositionRoot() {
        noClasses().that().resideInAPackage("io.hexproperty..")
                .and().resideOutsideOfPackage("io.hexproperty.app..")
                .should().dependOnClassesThat().resideInAPackage("io.hexproperty.app..")
                .because("only the composition root wires adapters together")
                .check(classes);
    }

    @Test
    void theImportSeesEveryModule() {
        // Guards the two rules above against passing vacuously on an empty import.
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.hexproperty.domain")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.hexproperty.http")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.hexproperty.database")).isTrue();
    }

    @Test
    void adaptersDoNotDependOnEachOtherAcrossTheDomain() {
        noClasses().that().resideInAPackage("io.hexproperty.http..")
                .should().dependOnClassesThat().resideInAPackage("io.hexproperty.database..")
                .because("the HTTP adapter talks to ports, never to the PostgreSQL adapter")
                .check(classes);
    }

    @Test
    void productionDataAccessDoesNotDependOnTheDataGenerator() {
        noClasses().that().resideInAPackage("io.hexproperty.database..")
                .should().dependOnClassesThat().resideInAPackage("io.hexproperty.seed..")
                .because("routing and adapters must not change when the fake data does (docs/decisions/0007)")
                .check(classes);
    }

    @Test
    void thePortAdaptersDependOnNoOtherDatabaseModule() {
        noClasses().that().resideInAPackage("io.hexproperty.database")
                .should().dependOnClassesThat().resideInAnyPackage("io.hexproperty.database.embedded..",
                        "io.hexproperty.database.replicas..", "io.hexproperty.database.sharding..",
                        "io.hexproperty.database.ops..")
                .because("database holds the adapters every topology shares; the others build on it (0007)")
                .check(classes);
    }

    @Test
    void embeddedPostgresIsProcessManagementOnly() {
        classes().that().resideInAPackage("io.hexproperty.database.embedded..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.slf4j..", "io.zonky..",
                        "org.apache.commons.compress..", "org.tukaani..", "com.sun.security.auth..",
                        "io.hexproperty.database.embedded..")
                .because("database-embedded starts and stops servers; schemas and pools belong to database (0007)")
                .check(classes);
    }

    @Test
    void benchmarksLiveOnlyInTheBenchmarksModule() {
        noClasses().that().haveSimpleNameEndingWith("Benchmark")
                .should().resideOutsideOfPackage("io.hexproperty.benchmarks..")
                .because("production code carries no benchmarks (benchmarks/ and bench/ do, docs/decisions/0007)")
                .allowEmptyShould(true) // empty is the goal: app's classpath holds no benchmarks module
                .check(classes);
    }
}
