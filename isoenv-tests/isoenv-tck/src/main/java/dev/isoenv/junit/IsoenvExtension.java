package dev.isoenv.junit;

import dev.isoenv.Environment;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InvalidSpecException;
import dev.isoenv.Isoenv;
import dev.isoenv.IsoenvException;
import dev.isoenv.PackageIndexes;
import dev.isoenv.PythonRequest;
import dev.isoenv.Requirement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Ensures the environments that {@link PythonEnvironment} declares and injects them into fields (static ones before
 * all tests, others into each test instance) and parameters. Each declaration is ensured once per scope: its
 * environment, or its failure, is kept in JUnit's store, so a declaration that cannot be built is attempted once per
 * scope and each test that needs it fails with the same error, naming the declaration and carrying isoenv's message.
 * One environment directory declared with two different specifications in one run is a configuration error.
 *
 * <p>It runs on JUnit Jupiter 5.10 and later, including 6.
 */
public final class IsoenvExtension implements BeforeAllCallback, TestInstancePostProcessor, BeforeEachCallback,
        ParameterResolver {
    /** The system property that sets the folder the environments are kept in. */
    public static final String DIRECTORY_PROPERTY = "isoenv.junit.dir";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(IsoenvExtension.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    /** Guards the creation of this extension's holders in the stores; each is made once and quickly. */
    private static final Object HOLDERS = new Object();

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

    /**
     * Injects the instance fields that are still empty. JUnit 5.10 registers an extension that only an instance
     * field declares after it has post-processed the instance, so there this is where those fields are set; later
     * versions have set them already, and this changes nothing.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : fields(instance.getClass())) {
                if (!Modifier.isStatic(field.getModifiers()) && value(field, instance) == null) {
                    inject(field, instance, context);
                }
            }
        }
    }

    private static Object value(Field field, Object instance) {
        try {
            field.setAccessible(true);
            return field.get(instance);
        } catch (IllegalAccessException | RuntimeException e) {
            // inject() says what is wrong with the field.
            return null;
        }
    }

    /** Every parameter annotated {@link PythonEnvironment} is this extension's, so a wrong type gets a clear error. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(PythonEnvironment.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PythonEnvironment declared = parameter.findAnnotation(PythonEnvironment.class).orElseThrow();
        String where = "parameter " + parameter.getIndex() + " (" + parameter.getParameter().getName() + ") of "
                + parameter.getDeclaringExecutable().getName();
        Class<?> type = parameter.getParameter().getType();
        if (!type.isAssignableFrom(Environment.class)) {
            throw new ParameterResolutionException("@PythonEnvironment on " + where + " needs a parameter of type "
                    + Environment.class.getName() + ", not " + type.getName());
        }
        try {
            return environment(declared, where, context);
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
            environment = environment(declared, where, context);
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
        List<String> requirements = new ArrayList<>();
        for (String r : declared.requirements()) {
            requirements.add(masked(r));
        }
        return "isoenv could not build the Python environment declared on " + where + " (python "
                + (declared.python().isEmpty() ? "default" : declared.python()) + ", requirements "
                + requirements + "): " + e.getMessage();
    }

    /** A requirement as the annotation writes it, with the credentials of a URL in it masked. */
    private static String masked(String requirement) {
        try {
            return Requirement.parse(requirement).toString();
        } catch (InvalidSpecException e) {
            return URL_USER_INFO.matcher(requirement).replaceAll("****@");
        }
    }

    /**
     * The environment of a declaration: built once per scope, where a failure is kept too and thrown again, so that
     * a declaration that cannot be built costs one attempt, not one per test.
     */
    private static Environment environment(PythonEnvironment declared, String where, ExtensionContext context) {
        EnvironmentSpec spec = spec(declared);
        holder(context.getRoot(), Locations.class, Locations::new).claim(spec, where);
        ExtensionContext owner = declared.scope() == PythonEnvironment.Scope.RUN ? context.getRoot()
                : classContext(context);
        return holder(owner, Environments.class, Environments::new).get(spec);
    }

    /**
     * Returns this extension's holder of one type in a context's store, made on first use. It uses only
     * {@code Store.get} and {@code Store.put}, which JUnit 5.10 and 6 both have; their compute methods differ.
     */
    private static <T> T holder(ExtensionContext context, Class<T> type, Supplier<T> create) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        synchronized (HOLDERS) {
            T found = store.get(type, type);
            if (found == null) {
                found = create.get();
                store.put(type, found);
            }
            return found;
        }
    }

    /** Which specification each environment directory is declared with, in one run. */
    private static final class Locations {
        private final ConcurrentMap<Path, Declaration> declared = new ConcurrentHashMap<>();

        void claim(EnvironmentSpec spec, String where) {
            Declaration first = declared.putIfAbsent(spec.location(), new Declaration(spec, where));
            if (first != null && !first.spec.equals(spec)) {
                throw new ExtensionConfigurationException("The environment directory " + spec.location()
                        + " (name '" + spec.location().getFileName() + "') is used by two different"
                        + " @PythonEnvironment declarations: " + first.where + " declares " + first.spec + ", and "
                        + where + " declares " + spec + ". Give each its own name, or declare both alike.");
            }
        }
    }

    /** A specification and where it was first declared. */
    private static final class Declaration {
        final EnvironmentSpec spec;
        final String where;

        Declaration(EnvironmentSpec spec, String where) {
            this.spec = spec;
            this.where = where;
        }
    }

    /** The environments of one scope, by specification. */
    private static final class Environments {
        private final ConcurrentMap<EnvironmentSpec, Outcome> outcomes = new ConcurrentHashMap<>();

        Environment get(EnvironmentSpec spec) {
            return outcomes.computeIfAbsent(spec, Outcome::new).get();
        }
    }

    /** One specification's ensure(), run on first use: its environment, or its failure, thrown again each time. */
    private static final class Outcome {
        private final EnvironmentSpec spec;
        private boolean done;
        private Environment environment;
        private RuntimeException failure;

        Outcome(EnvironmentSpec spec) {
            this.spec = spec;
        }

        synchronized Environment get() {
            if (!done) {
                try {
                    environment = Isoenv.ensure(spec);
                } catch (RuntimeException e) {
                    failure = e;
                }
                done = true;
            }
            if (failure != null) {
                throw failure;
            }
            return environment;
        }
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
