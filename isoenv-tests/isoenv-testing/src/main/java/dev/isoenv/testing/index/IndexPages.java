package dev.isoenv.testing.index;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import dev.isoenv.testing.dist.DistributionFile;

import java.util.List;

/**
 * Renders the HTML pages of a PEP 503 simple index (with the PEP 629 repository-version meta tag): the root page,
 * one link per project, and a project page, one link per file with {@code #sha256=} and, where known,
 * {@code data-requires-python}. Links are relative: {@code name/} on the root page and {@code files/FILE} on a
 * project page, with every attribute HTML-escaped.
 */
final class IndexPages {
    /** The sub-path under a project page at which its files are served. */
    static final String FILES = "files";

    private static final Escaper HTML = HtmlEscapers.htmlEscaper();

    private IndexPages() {
    }

    /**
     * Renders the root page of an index.
     *
     * @param projects the normalized project names
     * @return the HTML
     */
    static String root(List<String> projects) {
        StringBuilder body = new StringBuilder();
        for (String project : projects) {
            body.append("    <a href=\"").append(HTML.escape(UrlPaths.encode(project))).append("/\">")
                    .append(HTML.escape(project)).append("</a><br/>\n");
        }
        return page("Simple index", body);
    }

    /**
     * Renders the page of one project.
     *
     * @param project the normalized project name
     * @param files its files
     * @return the HTML
     */
    static String project(String project, List<DistributionFile> files) {
        StringBuilder body = new StringBuilder().append("    <h1>Links for ").append(HTML.escape(project))
                .append("</h1>\n");
        for (DistributionFile file : files) {
            String href = FILES + "/" + UrlPaths.encode(file.fileName()) + "#sha256=" + file.sha256Hex();
            body.append("    <a href=\"").append(HTML.escape(href)).append('"');
            file.requiresPython().ifPresent(specifier ->
                    body.append(" data-requires-python=\"").append(HTML.escape(specifier)).append('"'));
            body.append('>').append(HTML.escape(file.fileName())).append("</a><br/>\n");
        }
        return page("Links for " + project, body);
    }

    private static String page(String title, CharSequence body) {
        return "<!DOCTYPE html>\n<html>\n  <head>\n"
                + "    <meta name=\"pypi:repository-version\" content=\"1.0\">\n"
                + "    <title>" + HTML.escape(title) + "</title>\n"
                + "  </head>\n  <body>\n" + body + "  </body>\n</html>\n";
    }
}
