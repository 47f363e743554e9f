package dev.tlsfront;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages form layers: none reaches back up to one that depends on it. */
class PackageGraphTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tlsfront");

    @Test
    void thePackagesHaveNoCycle() {
        slices().matching("dev.tlsfront.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
