package dev.isoenv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * What the build publishes, read from the reactor's own output: every published module has its jar, sources jar and
 * Javadoc jar; jars are reproducible (every entry carries the fixed build timestamp); the POMs carry what Maven
 * Central asks for; the BOM names every published module and inherits nothing; and README's minimal {@code pom.xml}
 * is a complete project with the compiler plugin. It runs after the other modules in {@code mvn -B verify}.
 */
class PublishedBuildTest {
    private static final List<String> PUBLISHED = List.of("isoenv-api", "isoenv-venv", "isoenv-uv", "isoenv-conda",
            "isoenv-cuda", "isoenv-tests/isoenv-testing", "isoenv-tests/isoenv-tck");
    private static Path root;

    @BeforeAll
    static void findRepository() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("isoenv-api").resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        assumeTrue(dir != null, "runs inside the isoenv repository");
        root = dir;
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
    }

    private static Optional<String> child(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element && ((Element) nodes.item(i)).getTagName().equals(name)) {
                return Optional.of(nodes.item(i).getTextContent().strip());
            }
        }
        return Optional.empty();
    }

    private static Path artifact(String module, String classifier) throws IOException {
        String name = Path.of(module).getFileName().toString();
        Path target = root.resolve(module).resolve("target");
        assumeTrue(Files.isDirectory(target), "build " + module + " first: mvn -B verify from the repository root");
        Pattern pattern = Pattern.compile(Pattern.quote(name) + "-\\d[^/]*?" + (classifier.isEmpty() ? ""
                : "-" + classifier) + "\\.jar");
        try (Stream<Path> files = Files.list(target)) {
            Optional<Path> found = files.filter(f -> pattern.matcher(f.getFileName().toString()).matches())
                    .filter(f -> classifier.isEmpty() == !f.getFileName().toString().matches(".*-(sources|javadoc)\\.jar"))
                    .findFirst();
            if (classifier.isEmpty()) {
                assumeTrue(found.isPresent(), "build " + module + " first: mvn -B verify from the repository root");
            }
            assertTrue(found.isPresent(), module + " has its " + classifier + " jar in " + target);
            return found.get();
        }
    }

    @Test
    void everyPublishedModuleHasItsJarSourcesAndJavadoc() throws IOException {
        for (String module : PUBLISHED) {
            Path jar = artifact(module, "");
            Path sources = artifact(module, "sources");
            Path javadoc = artifact(module, "javadoc");
            try (ZipFile zip = new ZipFile(sources.toFile())) {
                assertTrue(zip.stream().anyMatch(e -> e.getName().endsWith(".java")), sources + " holds sources");
            }
            try (ZipFile zip = new ZipFile(javadoc.toFile())) {
                assertTrue(zip.getEntry("index.html") != null, javadoc + " holds Javadoc");
            }
            assertTrue(Files.size(jar) > 0);
        }
    }

    @Test
    void jarsAreReproducibleEveryEntryCarriesTheFixedTimestamp() throws Exception {
        Document parent = xml(Files.readString(root.resolve("pom.xml")));
        String stamp = parent.getElementsByTagName("project.build.outputTimestamp").item(0).getTextContent().strip();
        assertTrue(stamp.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), "a fixed timestamp, not " + stamp);
        long fixed = java.time.Instant.parse(stamp).toEpochMilli();
        for (String module : PUBLISHED) {
            Set<FileTime> times = new LinkedHashSet<>();
            try (ZipFile zip = new ZipFile(artifact(module, "").toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                    times.add(e.nextElement().getLastModifiedTime());
                }
            }
            assertEquals(1, times.size(), module + ": one timestamp for every entry, not " + times);
            long entry = times.iterator().next().toMillis();
            // Zip times are local DOS times: allow for the time zone, never for the build's own time.
            assertTrue(Math.abs(entry - fixed) <= 26L * 3600 * 1000, module + ": " + times + " is not " + stamp);
        }
    }

    @Test
    void thePomsCarryWhatMavenCentralAsksFor() throws Exception {
        Element project = xml(Files.readString(root.resolve("pom.xml"))).getDocumentElement();
        for (String required : List.of("name", "description", "url")) {
            assertFalse(child(project, required).orElse("").isEmpty(), "the parent POM has " + required);
        }
        for (String section : List.of("licenses", "developers", "scm")) {
            assertTrue(child(project, section).isPresent(), "the parent POM has " + section);
        }
        for (String module : PUBLISHED) {
            Element pom = xml(Files.readString(root.resolve(module).resolve("pom.xml"))).getDocumentElement();
            assertFalse(child(pom, "name").orElse("").isEmpty(), module + " has a name");
        }
    }

    @Test
    void theBomNamesEveryPublishedModuleAndInheritsNothing() throws Exception {
        Element bom = xml(Files.readString(root.resolve("isoenv-api/isoenv-bom/pom.xml"))).getDocumentElement();
        assertFalse(child(bom, "parent").isPresent(), "importing the BOM must not import the build's own versions");
        List<String> managed = new ArrayList<>();
        Element management = (Element) bom.getElementsByTagName("dependencyManagement").item(0);
        NodeList ids = management.getElementsByTagName("artifactId");
        for (int i = 0; i < ids.getLength(); i++) {
            managed.add(ids.item(i).getTextContent().strip());
        }
        for (String module : PUBLISHED) {
            assertTrue(managed.contains(Path.of(module).getFileName().toString()), "the BOM manages " + module);
        }
        assertEquals(PUBLISHED.size(), managed.size(), "the published modules and nothing else: " + managed);
    }

    @Test
    void readmesMinimalPomIsACompleteProjectWithTheCompilerPlugin() throws Exception {
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = Pattern.compile("```xml\\n(<\\?xml.*?</project>)\\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README gives a whole pom.xml");
        Element project = xml(m.group(1)).getDocumentElement();
        assertTrue(child(project, "modelVersion").isPresent() && child(project, "artifactId").isPresent());
        assertTrue(m.group(1).contains("<maven.compiler.release>17</maven.compiler.release>"));
        assertTrue(m.group(1).contains("<artifactId>maven-compiler-plugin</artifactId>"), "the compiler plugin");
        assertTrue(m.group(1).contains("<artifactId>isoenv-bom</artifactId>"), "the BOM");
        assertTrue(m.group(1).contains("<artifactId>isoenv-api</artifactId>"));
        Element parent = xml(Files.readString(root.resolve("pom.xml"))).getDocumentElement();
        assertTrue(m.group(1).contains("<version>" + child(parent, "version").orElseThrow() + "</version>"),
                "README's pom names this build's version");
    }
}
