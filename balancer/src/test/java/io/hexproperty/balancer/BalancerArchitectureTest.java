package io.hexproperty.balancer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The algorithms stay pure: JDK only, so they run in a simulator or a test without a network stack. */
@Tag("unit")
class BalancerArchitectureTest {
    @Test
    void algorithmsDependOnlyOnTheJdk() {
        classes().that().resideInAPackage("io.hexproperty.balancer.algorithms..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.hexproperty.balancer.algorithms..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.hexproperty.balancer"));
    }
}
