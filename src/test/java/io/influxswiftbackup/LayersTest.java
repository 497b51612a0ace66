package io.influxswiftbackup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The packages form layers: {@code cli} (the commands) on top, {@code app} (the composition root)
 * under it, and every other package below both, with no cycles among them.
 */
@AnalyzeClasses(packages = "io.influxswiftbackup", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles =
            slices().matching("io.influxswiftbackup.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyCliUsesCli =
            noClasses().that().resideOutsideOfPackage("io.influxswiftbackup.cli..")
                    .should().dependOnClassesThat().resideInAPackage("io.influxswiftbackup.cli..");

    @ArchTest
    static final ArchRule onlyCliAndAppUseApp =
            noClasses().that().resideOutsideOfPackages("io.influxswiftbackup.cli..", "io.influxswiftbackup.app..")
                    .should().dependOnClassesThat().resideInAPackage("io.influxswiftbackup.app..");
}
