package io.auspex.models;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of the models module: plain Java (no Flink, so data engineers run it offline),
 * no command-line framework (the CLI lives in infra's io.auspex.cli), and JUnit 5 only.
 */
class ArchitectureTest {
    static final JavaClasses MODELS = new ClassFileImporter().importPackages("io.auspex.models");

    @Test
    void modelsAreFreeOfFlinkAndOfTheCli() {
        noClasses().that().resideInAPackage("io.auspex.models..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "picocli..")
                .check(MODELS);
    }

    @Test
    void testsUseJUnit5Only() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("org.junit", "org.junit.rules..", "org.junit.runner..", "junit.framework..")
                .check(MODELS);
    }
}
