package io.auspex.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The project's boundaries over every module's classes: all commands in one place (picocli only in
 * io.auspex.cli, so the job jar carries no CLI), Flink SQL only in infra (the bench; the job jar
 * carries no table planner), and JUnit 5 only in infra's tests.
 */
class ArchitectureTest {
    static final JavaClasses ALL = new ClassFileImporter().importPackages("io.auspex");
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.auspex");

    @Test
    void picocliOnlyInTheCliPackage() {
        // production code; tests may drive the commands
        noClasses().that().resideOutsideOfPackage("io.auspex.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(MAIN);
    }

    @Test
    void flinkTableOnlyOutsideTheJobs() {
        // the table dependencies are infra's alone; the job jar (jobs, models, schemas) must not need them
        noClasses().that().resideInAnyPackage("io.auspex.jobs..", "io.auspex.models..", "io.auspex.schemas..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink.table..")
                .check(ALL);
    }

    @Test
    void testsUseJUnit5Only() {
        noClasses().that().resideInAPackage("io.auspex.infra..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("org.junit", "org.junit.rules..", "org.junit.runner..", "junit.framework..")
                .check(ALL);
    }
}
