package dev.isoenv.conda;

import dev.isoenv.EnvironmentCreationException;
import dev.isoenv.EnvironmentSpec;
import dev.isoenv.InstallationException;
import dev.isoenv.IsoenvException;
import dev.isoenv.PythonNotFoundException;
import dev.isoenv.internal.json.JsonReader;
import dev.isoenv.internal.process.Redactor;
import dev.isoenv.spi.ProcessResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tool's answer and turns a failure into a typed exception whose message says what to do. It reads, as
 * neither is a stable contract: conda's {@code --json} error object ({@code CondaError.dump_map}, a
 * {@code CondaMultiError}'s {@code errors}, conda 4's {@code error_type}); micromamba's and mamba 2's JSON
 * ({@code success}, {@code solver_problems}, {@code log_history} since 2.8) and their {@code libmamba} lines on
 * standard error. A Python version missing from the channels is a {@link PythonNotFoundException}; missing or conflicting conda
 * packages an {@link InstallationException}; any other failure while creating an
 * {@link EnvironmentCreationException}, and an {@link InstallationException} afterwards.
 */
final class CondaFailureAdvice {
    private static final Pattern NOTHING_PROVIDES = Pattern.compile("nothing provides requested ([^\\s]+)");
    private static final Pattern DOES_NOT_EXIST = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_.\\-]*)(?:\\s+[^\\s()]+)*\\s+does not exist \\(perhaps a typo or a missing channel\\)");
    private static final Pattern MAMBA_LOG = Pattern.compile("(?:critical|error)\\s+libmamba\\s+(.*)");
    private static final Pattern NETWORK = Pattern.compile("(?i)(HTTP 000|CONNECTION FAILED|could not resolve host"
            + "|download error|failed to download|multi-download failed|SSLError|certificate verify failed"
            + "|timed? ?out)");
    private static final int SHOWN_LINES = 25;

    /** What a run said: conda's exception name or empty, the tool's error lines, the packages the channels lack. */
    record Report(String exceptionName, List<String> messages, Set<String> missing, boolean unsolvable) {
    }

    private CondaFailureAdvice() { }

    static boolean succeeded(ProcessResult result) {
        return result.isSuccess() && !Boolean.FALSE.equals(json(result.stdout()).map(m -> m.get("success")).orElse(null));
    }

    /** Returns the JSON object in the last {@code \0}-separated chunk (after conda's progress objects) holding one. */
    static Optional<Map<String, Object>> json(String output) {
        String[] chunks = output == null ? new String[0] : output.split("\0");
        for (int i = chunks.length - 1; i > 0; i--) {
            Optional<Map<String, Object>> last = object(chunks[i]);
            if (last.isPresent()) {
                return last;
            }
        }
        return object(output);
    }

    private static Optional<Map<String, Object>> object(String output) {
        int start = output == null ? -1 : output.indexOf('{');
        int end = output == null ? -1 : output.lastIndexOf('}');
        if (start < 0 || end < start) {
            return Optional.empty();
        }
        try {
            return Optional.of(JsonReader.parseObject(output.substring(start, end + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Report read(ProcessResult result) {
        Map<String, Object> json = json(result.stdout()).or(() -> json(result.stderr())).orElse(Map.of());
        Object errors = json.get("errors");
        Map<String, Object> error = errors instanceof List && !((List<?>) errors).isEmpty()
                && ((List<?>) errors).get(0) instanceof Map ? cast(((List<?>) errors).get(0)) : json;
        String name = text(error.get("exception_name")).or(() -> text(error.get("error_type"))).orElse("");
        List<String> messages = new ArrayList<>();
        text(error.get("message")).or(() -> text(error.get("error"))).ifPresent(m -> lines(m, messages));
        Set<String> missing = new LinkedHashSet<>();
        if (error.get("packages") instanceof List) {
            for (Object p : (List<?>) error.get("packages")) {
                text(p).ifPresent(s -> missing.add(CondaCommands.packageName(s.strip())));
            }
        }
        boolean unsolvable = json.get("solver_problems") instanceof List;
        if (unsolvable) {
            ((List<?>) json.get("solver_problems")).forEach(p -> text(p).ifPresent(s -> lines(s, messages)));
        }
        if (json.get("log_history") instanceof List) {
            for (Object record : (List<?>) json.get("log_history")) {
                Map<String, Object> r = record instanceof Map ? cast(record) : Map.of();
                String level = text(r.get("level")).orElse("");
                if (level.equals("error") || level.equals("critical")) {
                    text(r.get("message")).ifPresent(m -> lines(m, messages));
                }
            }
        }
        boolean continuing = false;
        for (String line : result.stderr() == null ? new String[0] : result.stderr().split("\\R")) {
            Matcher m = MAMBA_LOG.matcher(line.strip());
            boolean indented = continuing && !line.isEmpty() && Character.isWhitespace(line.charAt(0));
            if (m.matches() || (indented && !line.isBlank())) {
                messages.add(m.matches() ? m.group(1) : line.strip());
            }
            continuing = m.matches() || indented;
        }
        if (messages.isEmpty()) {
            messages.addAll(result.tail());
        }
        for (String line : messages) {
            for (Pattern p : new Pattern[] {NOTHING_PROVIDES, DOES_NOT_EXIST}) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    missing.add(CondaCommands.packageName(m.group(1)));
                }
            }
        }
        return new Report(name, List.copyOf(messages), Set.copyOf(missing), unsolvable);
    }

    /** Turns a failed run into the exception to throw; {@code creating}: while creating the environment. */
    static IsoenvException failure(String what, ProcessResult result, EnvironmentSpec spec, boolean creating) {
        Report report = read(result);
        String name = report.exceptionName();
        String all = String.join("\n", report.messages());
        List<String> shown = report.messages().size() <= SHOWN_LINES ? report.messages()
                : report.messages().subList(0, SHOWN_LINES);
        String said = shown.isEmpty() ? "" : "\nThe tool said:\n  " + String.join("\n  ", shown);
        String channels = Redactor.maskUrlCredentials(String.join(", ", spec.condaChannels()));
        String failed = what + " failed with exit code " + result.exitCode() + " (command " + result.command() + "). ";
        if (name.startsWith("CondaToS") || all.contains("Terms of Service")) {
            return otherFailure(creating, what, result, shown, "Anaconda's Terms of Service for its defaults channels"
                    + " have not been accepted on this machine (" + (name.isEmpty() ? "Terms of Service" : name)
                    + "). isoenv never accepts terms for you, and passes only the specification's channels (" + channels
                    + ") with --override-channels, so the tool reached an Anaconda channel that the specification names."
                    + " Use a channel without such terms, such as condaChannels(\"conda-forge\"), or accept the terms"
                    + " yourself if you may: conda tos accept --override-channels --channel CHANNEL.", said);
        }
        if (report.missing().contains("python")) {
            return new PythonNotFoundException(failed + "Python " + spec.python() + " is not available from the conda"
                    + " channels " + channels + " for this platform. Request a version that they have, such as"
                    + " python(\"3.12\"), or name a channel that has it with condaChannels(...)." + said);
        }
        if (name.contains("PackagesNotFound") || name.equals("ResolvePackageNotFound") || !report.missing().isEmpty()
                || all.contains("are not available from current channels")) {
            return new InstallationException(what, result.command(), result.exitCode(), shown, "The conda packages "
                    + (report.missing().isEmpty() ? "requested" : String.join(", ", report.missing())) + " are not"
                    + " available from the channels " + channels + " for this platform. Check their names and versions"
                    + " (conda search -c CHANNEL NAME), or name the channel that has them with condaChannels(...).");
        }
        if (name.endsWith("UnsatisfiableError") || name.equals("SpecsConfigurationConflictError") || report.unsolvable()
                || all.contains("Could not solve for environment specs")) {
            return new InstallationException(what, result.command(), result.exitCode(), shown, "The conda packages "
                    + spec.condaPackages() + " cannot be installed together with Python " + spec.python() + " from the"
                    + " channels " + channels + ": relax their versions, or see the solver's explanation.");
        }
        if (name.equals("CondaHTTPError") || name.equals("CondaSSLError") || NETWORK.matcher(all).find()) {
            return otherFailure(creating, what, result, shown, "The tool could not download from the channels "
                    + channels + ". Check the network, the proxy (HTTPS_PROXY) and certificate settings, or name a"
                    + " reachable mirror with condaChannels(URL).", said);
        }
        if (name.equals("EnvironmentNotWritableError") || all.contains("ermission denied")) {
            return otherFailure(creating, what, result, shown, "A directory is not writable: check the permissions of"
                    + " the environment and of the tool's package cache (pkgs_dirs, MAMBA_ROOT_PREFIX).", said);
        }
        return otherFailure(creating, what, result, shown, "See the tool's message" + (name.isEmpty() ? "" : " ("
                + name + ")") + (creating ? "; the environment is rebuilt on the next ensure()." : "."), said);
    }

    private static IsoenvException otherFailure(boolean creating, String what, ProcessResult result, List<String> shown,
                                                String advice, String said) {
        if (creating) {
            return new EnvironmentCreationException(what + " failed with exit code " + result.exitCode() + " (command "
                    + result.command() + "). " + advice + said);
        }
        return new InstallationException(what, result.command(), result.exitCode(), shown, advice);
    }

    private static void lines(String text, List<String> into) {
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                into.add(line.stripTrailing());
            }
        }
    }

    private static Optional<String> text(Object value) {
        return value instanceof String && !((String) value).isBlank() ? Optional.of((String) value) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) {
        return (Map<String, Object>) map;
    }
}
