/* knot report: one self-contained HTML page — the findings grouped by rule,
 * each with its message, the source around every site it names (when the
 * file is readable), the tasks involved, and its picture inline as SVG: the
 * wait-for graph for leaks and deadlocks, the happens-before diagram around
 * it for the rest. No script, no external fetch; everything that comes from
 * the trace or a source file is escaped. */
#include "report-html.h"
#include "graph.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *out, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#212529;"
    "padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:2px solid #dee2e6;padding-bottom:.2em;"
    "margin-top:2em}h3{font-size:1.05em;margin:.2em 0}.finding{border:1px solid #dee2e6;"
    "border-radius:6px;padding:.8em 1em;margin:1em 0}.sev{font-size:.8em;padding:.1em .5em;"
    "border-radius:3px;color:#fff;margin-right:.5em;text-transform:uppercase}"
    ".sev.error{background:#e03131}.sev.warning{background:#e8590c}.sev.note{background:#1c7ed6}"
    ".predicted{font-size:.8em;border:1px solid #7048e8;color:#7048e8;border-radius:3px;"
    "padding:0 .4em;margin-right:.5em}.loc{font-family:monospace;color:#495057;margin:.2em 0}"
    "pre.source{background:#f8f9fa;border-left:3px solid #ced4da;padding:.4em .8em;margin:.3em 0;"
    "overflow:auto;font-size:13px}pre.source .hit{background:#fff3bf;display:block}"
    "ul{padding-left:1.2em}li{margin:.3em 0}figure{margin:.8em 0;overflow:auto}"
    "figure svg{max-width:100%;height:auto}.summary{color:#495057}"
    "nav a{margin-right:1em}footer{margin-top:3em;color:#868e96;font-size:.85em}";

/* Lines line-2 .. line+2 of file, the line itself marked. */
static void excerpt(FILE *out, const knot_loc *loc) {
    if (!loc->file || loc->line <= 0)
        return;
    FILE *src = fopen(loc->file, "r");
    if (!src)
        return;
    char buf[1024];
    int n = 0;
    bool open = false;
    while (fgets(buf, sizeof buf, src) && n < loc->line + 2) {
        size_t len = strlen(buf);
        bool whole = len > 0 && buf[len - 1] == '\n';
        if (whole)
            buf[--len] = '\0';
        n++;
        if (n < loc->line - 2)
            continue;
        if (!open) {
            fputs("<pre class=\"source\">", out);
            open = true;
        }
        fprintf(out, n == loc->line ? "<span class=\"hit\">%5d  " : "%5d  ", n);
        esc(out, buf);
        fputs(n == loc->line ? "</span>" : "\n", out);
        if (!whole) /* the rest of an over-long line is not shown */
            while (fgets(buf, sizeof buf, src) && buf[strlen(buf) - 1] != '\n')
                ;
    }
    if (open)
        fputs("</pre>\n", out);
    fclose(src);
}

static void put_loc(FILE *out, const knot_loc *loc) {
    fputs("<p class=\"loc\">", out);
    if (loc->file)
        esc(out, loc->file), fprintf(out, ":%d", loc->line);
    else if (loc->module)
        esc(out, loc->module), fprintf(out, "+0x%llx", loc->address);
    else
        fputs("(unknown place)", out);
    if (loc->function && loc->function[0]) {
        fputs(" in <code>", out);
        esc(out, loc->function);
        fputs("()</code>", out);
    }
    fputs("</p>\n", out);
}

static bool uses_wait_for(const knot_finding *f) {
    return !f->predicted && (strcmp(f->rule, "leak") == 0 || strcmp(f->rule, "deadlock") == 0);
}

static void picture(FILE *out, const knot_replay *r, const knot_finding *f, const char *wfg) {
    char *svg = NULL;
    const char *caption;
    if (uses_wait_for(f) && wfg) {
        caption = "The wait-for graph at the end of the run";
    } else {
        int tasks[64];
        knot_hb_window w = knot_hb_window_for(f, tasks, 64);
        char err[256];
        Agraph_t *g = knot_graph_hb(r, &w, err, sizeof err);
        svg = g ? knot_render_svg(g) : NULL;
        knot_graph_free(g);
        caption = "What happened before it: the tasks involved, time flowing down";
    }
    const char *shown = svg ? svg : uses_wait_for(f) ? wfg : NULL;
    if (shown) {
        fputs("<figure class=\"picture\">", out);
        fputs(shown, out); /* Graphviz's SVG: its text is already XML-escaped */
        fprintf(out, "<figcaption>%s</figcaption></figure>\n", caption);
    }
    free(svg);
}

static void finding(FILE *out, const knot_replay *r, const knot_finding *f, size_t index,
                    const char *wfg) {
    fprintf(out,
            "<article class=\"finding\" id=\"finding-%zu\" data-rule=\"%s\" "
            "data-severity=\"%s\" data-predicted=\"%s\">\n<h3>",
            index, f->rule, knot_severity_name(f->severity), f->predicted ? "true" : "false");
    fprintf(out, "<span class=\"sev %s\">%s</span>", knot_severity_name(f->severity),
            knot_severity_name(f->severity));
    if (f->predicted)
        fputs("<span class=\"predicted\">predicted</span>", out);
    esc(out, f->message);
    fputs("</h3>\n", out);
    put_loc(out, &f->loc);
    excerpt(out, &f->loc);
    if (f->nrelated) {
        fputs("<ul class=\"related\">\n", out);
        for (size_t i = 0; i < f->nrelated; i++) {
            fputs("<li>", out);
            esc(out, f->related[i].message);
            put_loc(out, &f->related[i].loc);
            const knot_loc *a = &f->related[i].loc;
            bool same = a->file && f->loc.file && a->line == f->loc.line &&
                        strcmp(a->file, f->loc.file) == 0;
            if (!same) /* the primary line is shown above already */
                excerpt(out, a);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    if (f->ntasks) {
        fputs("<p>Tasks:</p><ul class=\"tasks\">\n", out);
        for (size_t i = 0; i < f->ntasks; i++) {
            const knot_finding_task *t = &f->tasks[i];
            fprintf(out, "<li>task %lld", t->id);
            if (t->spawn.file) {
                fputs(", spawned at <code>", out);
                esc(out, t->spawn.file);
                fprintf(out, ":%d</code>", t->spawn.line);
            } else {
                fputs(" (the main task)", out);
            }
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    picture(out, r, f, wfg);
    fputs("</article>\n", out);
}

int knot_report_html(FILE *out, const knot_replay *r, const knot_findings *fs) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>knot report: ",
          out);
    esc(out, r->path);
    fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n<h1>knot report</h1>\n", style);
    fputs("<p class=\"summary\">Trace <code>", out);
    esc(out, r->path);
    size_t tasks = 0;
    for (size_t t = 1; t < r->ntasks; t++)
        tasks += r->tasks[t].present;
    fprintf(out, "</code>: %zu tasks, %lld events. %zu finding%s.</p>\n", tasks, r->events, fs->n,
            fs->n == 1 ? "" : "s");
    Agraph_t *g = knot_graph_wfg(r);
    char *wfg = g ? knot_render_svg(g) : NULL;
    knot_graph_free(g);
    if (fs->end.how != KNOT_END_UNKNOWN) {
        char how[128];
        knot_run_end_describe(&fs->end, how, sizeof how);
        fprintf(out, "<p class=\"end\">The program %s.</p>\n", how);
    }
    if (fs->n == 0)
        fputs("<p class=\"clean\">No findings: nothing leaked, deadlocked or misused a lock or a "
              "channel in a way the trace shows or predicts.</p>\n",
              out);
    fputs("<nav>", out);
    for (size_t k = 0; k < knot_rules_count; k++) {
        size_t count = 0;
        for (size_t i = 0; i < fs->n; i++)
            count += strcmp(fs->v[i].rule, knot_rules[k]->id) == 0;
        if (count)
            fprintf(out, "<a href=\"#rule-%s\">%s (%zu)</a>", knot_rules[k]->id, knot_rules[k]->id,
                    count);
    }
    fputs("</nav>\n", out);
    for (size_t k = 0; k < knot_rules_count; k++) {
        const knot_rule *rule = knot_rules[k];
        bool any = false;
        for (size_t i = 0; i < fs->n; i++) {
            if (strcmp(fs->v[i].rule, rule->id) != 0)
                continue;
            if (!any)
                fprintf(out, "<section class=\"rule\" id=\"rule-%s\"><h2>%s</h2><p>%s</p>\n",
                        rule->id, rule->id, rule->summary);
            any = true;
            finding(out, r, &fs->v[i], i + 1, wfg);
        }
        if (any)
            fputs("</section>\n", out);
    }
    fputs("<footer>Made by knot check from the trace above; query it with sqlite3 (see "
          "docs/trace-format.md).</footer>\n</body></html>\n",
          out);
    free(wfg);
    return ferror(out) ? -1 : 0;
}
