package io.auspex.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of the job: no command-line framework in the job jar (commands live in infra's
 * io.auspex.cli), the job wires stages but stages do not reach back into the job class, and
 * JUnit 5 only.
 */
class ArchitectureTest {
    static final JavaClasses JOBS = new ClassFileImporter().importPackages("io.auspex.jobs");

    @Test
    void theJobJarHasNoCli() {
        noClasses().that().resideInAPackage("io.auspex.jobs..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(JOBS);
    }

    @Test
    void stagesDoNotDependOnTheJobClass() {
        noClasses().that().resideInAnyPackage("io.auspex.jobs.decode..", "io.auspex.jobs.signals..",
                        "io.auspex.jobs.slo..", "io.auspex.jobs.anomaly..", "io.auspex.jobs.graph..",
                        "io.auspex.jobs.rca..", "io.auspex.jobs.alerts..")
                .should().dependOnClassesThat().haveFullyQualifiedName(PipelineJob.class.getName())
                .check(JOBS);
    }

    @Test
    void testsUseJUnit5Only() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("org.junit", "org.junit.rules..", "org.junit.runner..", "junit.framework..")
                .check(JOBS);
    }
}
