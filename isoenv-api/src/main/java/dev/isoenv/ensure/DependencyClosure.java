package dev.isoenv.ensure;

import dev.isoenv.layout.EnvironmentLayout;
import dev.isoenv.process.ProcessRequest;
import dev.isoenv.process.ProcessResult;
import dev.isoenv.spi.BackendContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes which installed distributions the requested requirements need, following each distribution's
 * {@code Requires-Dist} metadata with its markers and extras, by running the environment's own interpreter.
 * isoenv uses it to remove only what it installed and no longer needs, when requirements are removed or
 * changed; anything it cannot decide is kept.
 */
final class DependencyClosure {
    private static final String SCRIPT = String.join("\n",
            "import sys, re",
            "from importlib import metadata",
            "def norm(n):",
            "    return re.sub(r'[-_.]+', '-', n).lower()",
            "Requirement = None",
            "try:",
            "    from pip._vendor.packaging.requirements import Requirement",
            "except Exception:",
            "    try:",
            "        from packaging.requirements import Requirement",
            "    except Exception:",
            "        pass",
            "dists = {}",
            "for d in metadata.distributions():",
            "    name = d.metadata['Name']",
            "    if name:",
            "        dists.setdefault(norm(name), d)",
            "def parse(text):",
            "    if Requirement is None:",
            "        m = re.match(r'\\s*([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(\\[([^\\]]*)\\])?', text)",
            "        extras = [e.strip() for e in (m.group(3) or '').split(',') if e.strip()]",
            "        return norm(m.group(1)), set(norm(e) for e in extras), None",
            "    r = Requirement(text)",
            "    return norm(r.name), set(norm(e) for e in r.extras), r.marker",
            "def wanted(marker, extras):",
            "    if marker is None:",
            "        return True",
            "    for e in [''] + sorted(extras):",
            "        try:",
            "            if marker.evaluate({'extra': e}):",
            "                return True",
            "        except Exception:",
            "            return True",
            "    return False",
            "stack = []",
            "for text in sys.argv[1:]:",
            "    try:",
            "        n, ex, mk = parse(text)",
            "    except Exception:",
            "        continue",
            "    if wanted(mk, set()):",
            "        stack.append((n, frozenset(ex)))",
            "seen = set()",
            "needed = set()",
            "while stack:",
            "    n, ex = stack.pop()",
            "    if (n, ex) in seen:",
            "        continue",
            "    seen.add((n, ex))",
            "    d = dists.get(n)",
            "    if d is None:",
            "        continue",
            "    needed.add(n)",
            "    for text in (d.requires or []):",
            "        try:",
            "            rn, rex, mk = parse(text)",
            "        except Exception:",
            "            continue",
            "        if wanted(mk, ex):",
            "            stack.append((rn, frozenset(rex)))",
            "sys.stdout.buffer.write(('\\n'.join(sorted(needed)) + '\\n').encode('utf-8'))",
            "");

    private DependencyClosure() {
    }

    /**
     * Returns the normalized names of every installed distribution that {@code requirements} need, directly or
     * through dependencies.
     */
    static Set<String> of(EnvironmentLayout env, List<String> requirements, BackendContext context) {
        List<String> command = new ArrayList<>();
        command.add(env.python().toString());
        // -I: the JVM's working directory must not shadow the environment's metadata on sys.path.
        command.add("-I");
        command.add("-c");
        command.add(SCRIPT);
        command.addAll(requirements);
        ProcessResult result = context.run(ProcessRequest.command(command)
                .environment(env.activate(context.processEnvironment()))
                .timeout(context.spec().timeouts().install()));
        if (!result.isSuccess()) {
            throw new dev.isoenv.IsoenvException("Could not read the dependencies installed in " + env.root()
                    + " (exit code " + result.exitCode() + "). The environment's Python may be broken; delete "
                    + env.root() + " to rebuild it." + (result.tail().isEmpty() ? "" : "\n  " + String.join("\n  ", result.tail())));
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : result.stdout().split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }
}
