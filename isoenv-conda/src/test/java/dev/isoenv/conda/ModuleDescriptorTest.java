package dev.isoenv.conda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isoenv.testing.modules.ServiceRegistrations;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The backend must be found both on the class path (the services file auto-service writes) and on the module path
 * (module-info's provides), and both must name the same provider.
 */
class ModuleDescriptorTest {
    @Test
    void providesAndTheServicesFileNameTheSameInstaller() {
        ServiceRegistrations registrations = ServiceRegistrations.of(Path.of("target/classes"), "dev.isoenv.conda");
        assertEquals(Map.of("dev.isoenv.spi.Installer", Set.of(CondaInstaller.class.getName())), registrations.provided());
        assertEquals(registrations.provided(), registrations.registered());
        assertEquals(Set.of(), registrations.descriptor().exports(), "the backend exports nothing");
    }
}
