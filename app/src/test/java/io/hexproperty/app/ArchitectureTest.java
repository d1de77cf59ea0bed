package io.hexproperty.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of ARCHITECTURE.md: a pure domain, adapters that never reach into app. */
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
}
