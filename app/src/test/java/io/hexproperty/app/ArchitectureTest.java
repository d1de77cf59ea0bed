package io.hexproperty.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.hexproperty.domain.port.out.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "io.hexproperty.domain..")
                .because("the domain holds records and ports only: no HTTP, SQL, Redis or Vert.x (javax.crypto: the JDK's HMAC, ADR 0015)")
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

    @Test
    void theH3LibraryIsLoadedOnceInGeo() {
        noClasses().that().resideOutsideOfPackage("io.hexproperty.geo..")
                .should().callMethod(com.uber.h3core.H3Core.class, "newInstance")
                .because("H3Cells.core() is the process's one H3 instance (docs/decisions/0019)")
                .check(classes);
    }

    @Test
    void httpUsesInboundPortsAndCachingNotOutboundPortsOrOtherAdapters() {
        DescribedPredicate<JavaClass> outboundPorts = JavaClass.Predicates.resideInAPackage("io.hexproperty.domain.port.out..")
                .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(StoreUnavailableException.class)));
        noClasses().that().resideInAPackage("io.hexproperty.http..")
                .should().dependOnClassesThat(outboundPorts)
                .because("HTTP drives use cases (domain port/in); only the composition root sees the outbound ports")
                .check(classes);
        noClasses().that().resideInAPackage("io.hexproperty.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.hexproperty.database..", "io.hexproperty.seed..",
                        "io.hexproperty.caching.redis..", "io.hexproperty.loadtest..", "io.hexproperty.app..")
                .because("http talks to domain ports and to caching, nothing else of ours")
                .check(classes);
    }

    // SQL in a string literal: a statement keyword followed by what makes it SQL, in upper case as written here.
    private static final Pattern SQL = Pattern.compile(
            "\"[^\"\\n]*\\b(SELECT\\s+\\S|INSERT\\s+INTO|DELETE\\s+FROM|UPDATE\\s+\\w+\\s+SET|ALTER\\s+TABLE|CREATE\\s+(TABLE|INDEX)|TRUNCATE\\s+\\w+|DROP\\s+(TABLE|INDEX|SCHEMA))");

    @Test
    void noSqlInTheCompositionRootOrTheHttpAdapter() throws IOException {
        for (Path sources : List.of(Path.of("src/main/java"), Path.of("../http/src/main/java"))) {
            assertThat(sources).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    assertThat(SQL.matcher(text).find()).as("SQL string literal in %s: SQL belongs in a database adapter", file)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void theReadmeModuleListIsTheModuleList() throws IOException {
        String pom = Files.readString(Path.of("../pom.xml"));
        List<String> modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom).results().map(m -> m.group(1)).toList();
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(modules).hasSizeGreaterThan(10);
        for (String module : modules) {
            assertThat(Path.of("..", module, "pom.xml")).exists();
            assertThat(readme).as("README architecture block lists %s/", module).containsPattern("(?m)^" + Pattern.quote(module + "/") + "\\s");
        }
    }
}
