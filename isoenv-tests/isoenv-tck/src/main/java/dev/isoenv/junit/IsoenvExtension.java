package dev.isoenv.junit;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.Isoenv;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Ensures the environments that {@link PythonEnvironment} declares and injects them into fields (static ones before
 * all tests, others into each test instance) and parameters. Each declaration is ensured once per scope and kept in
 * JUnit's store; a failure is a test error that names the declaration and carries isoenv's message.
 */
public final class IsoenvExtension implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {
    /** The system property that sets the folder the environments are kept in. */
    public static final String DIRECTORY_PROPERTY = "isoenv.junit.dir";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(IsoenvExtension.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    @Override
    public void beforeAll(ExtensionContext context) {
        for (Field field : fields(context.getRequiredTestClass())) {
            if (Modifier.isStatic(field.getModifiers())) {
                inject(field, null, context);
            }
        }
    }

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) {
        for (Field field : fields(instance.getClass())) {
            if (!Modifier.isStatic(field.getModifiers())) {
                inject(field, instance, context);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(PythonEnvironment.class)
                && parameter.getParameter().getType().isAssignableFrom(Environment.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PythonEnvironment declared = parameter.findAnnotation(PythonEnvironment.class).orElseThrow();
        String where = "parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable().getName();
        try {
            return environment(declared, context);
        } catch (IsoenvException | IllegalArgumentException e) {
            throw new ParameterResolutionException(failure(declared, where, e), e);
        }
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.isAnnotationPresent(PythonEnvironment.class)) {
                    found.add(field);
                }
            }
        }
        return found;
    }

    private void inject(Field field, Object instance, ExtensionContext context) {
        PythonEnvironment declared = field.getAnnotation(PythonEnvironment.class);
        String where = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
        if (!field.getType().isAssignableFrom(Environment.class)) {
            throw new ExtensionConfigurationException("@PythonEnvironment on " + where + " needs a field of type "
                    + Environment.class.getName() + ", not " + field.getType().getName());
        }
        Environment environment;
        try {
            environment = environment(declared, context);
        } catch (IsoenvException | IllegalArgumentException e) {
            throw new ExtensionConfigurationException(failure(declared, where, e), e);
        }
        try {
            field.setAccessible(true);
            field.set(instance, environment);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new ExtensionConfigurationException("Cannot set " + where + ": " + e.getMessage()
                    + ". Make the field non-final and open the test's package to JUnit.", e);
        }
    }

    private static String failure(PythonEnvironment declared, String where, Exception e) {
        return "isoenv could not build the Python environment declared on " + where + " (python "
                + (declared.python().isEmpty() ? "default" : declared.python()) + ", requirements "
                + List.of(declared.requirements()) + "): " + e.getMessage();
    }

    private static Environment environment(PythonEnvironment declared, ExtensionContext context) {
        EnvironmentSpec spec = spec(declared);
        ExtensionContext owner = declared.scope() == PythonEnvironment.Scope.RUN ? context.getRoot()
                : classContext(context);
        return owner.getStore(NAMESPACE).computeIfAbsent(spec.location().toString(),
                key -> Isoenv.ensure(spec), Environment.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /**
     * Builds the specification of a declaration; its location is named after the declaration, so equal
     * declarations share one environment.
     */
    static EnvironmentSpec spec(PythonEnvironment declared) {
        List<String> requirements = new ArrayList<>();
        for (String r : declared.requirements()) {
            requirements.add(expand(r));
        }
        List<String> indexes = new ArrayList<>();
        for (String url : declared.indexUrls()) {
            indexes.add(expand(url));
        }
        String python = expand(declared.python());
        String identity = String.join("\n", "python=" + python, "requirements=" + requirements,
                "indexes=" + indexes, "machine=" + declared.inheritMachineConfiguration(),
                "backend=" + declared.backend());
        String name = declared.name().isEmpty() ? "env-" + digest(identity) : expand(declared.name());
        EnvironmentSpec.Builder spec = EnvironmentSpec.builder(directory().resolve(name))
                .python(python.isEmpty() ? PythonRequest.defaultPython() : PythonRequest.version(python))
                .requirements(requirements)
                .inheritMachineConfiguration(declared.inheritMachineConfiguration());
        if (!indexes.isEmpty()) {
            PackageIndexes.Builder builder = PackageIndexes.builder().indexUrl(indexes.get(0));
            for (String extra : indexes.subList(1, indexes.size())) {
                builder.extraIndexUrl(extra);
            }
            spec.indexes(builder.build());
        }
        if (!declared.backend().isEmpty()) {
            spec.backend(declared.backend());
        }
        return spec.build();
    }

    private static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY, "");
        return configured.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "isoenv-junit")
                : Path.of(configured);
    }

    /** Replaces each {@code ${name}} with the system property, else the environment variable, of that name. */
    static String expand(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = System.getProperty(name, System.getenv(name));
            if (value == null) {
                throw new IllegalArgumentException("${" + name + "} is neither a system property nor an environment"
                        + " variable; set it, or write the value into the annotation");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", hash[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
