/* knot report: one self-contained HTML page — the findings grouped by rule,
 * each with its message, the source around every site it names (when the
 * file is readable), the tasks involved (one line per place that spawned
 * them), how to fix it with a link to its rule's page, and its picture
 * inline as SVG: the wait-for graph for leaks and deadlocks, the
 * happens-before diagram around it for the rest. How the run ended heads it. No script, no external
 * fetch; everything that comes from the trace or a source file is escaped. */
#include "render-report-html.h"
#include "findings-rules.h"
#include "render-graph.h"

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
    ".chain{font-family:monospace;font-size:.85em;color:#6c757d;margin:0 0 .3em 1.5em}"
    "pre.source{background:#f8f9fa;border-left:3px solid #ced4da;padding:.4em .8em;margin:.3em 0;"
    "overflow:auto;font-size:13px}pre.source .hit{background:#fff3bf;display:block}"
    "ul{padding-left:1.2em}li{margin:.3em 0}figure{margin:.8em 0;overflow:auto}"
    "figure svg{max-width:100%;height:auto}.summary{color:#495057}"
    "nav a{margin-right:1em}footer{margin-top:3em;color:#868e96;font-size:.85em}"
    ".end{font-size:1.1em;font-weight:600;padding:.4em .8em;border-radius:4px;background:#f1f3f5}"
    ".end.failed{background:#fff5f5;color:#c92a2a}.advice{color:#495057;margin:.4em 0}"
    ".advice .label{font-weight:600}";

/* Lines line-2 .. line+2 of file, the line itself marked. */
static void excerpt(FILE *out, const knot__loc *loc) {
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

static void put_loc(FILE *out, const knot__loc *loc) {
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
    if (loc->chain) { /* the call chain through it, past lock wrappers */
        fputs("<p class=\"chain\">in ", out);
        esc(out, loc->chain);
        fputs("</p>\n", out);
    }
}

/* Graphviz numbers its SVG's elements from 1 in every picture (node1,
 * edge1, graph0), and the wait-for graph is shown once per finding: each
 * picture's ids (and the references to them) get the finding's prefix, so
 * that every id on the page is unique. Only attributes inside tags are
 * touched, never text. */
static void put_svg(FILE *out, const char *svg, const char *prefix) {
    static const char *const refs[] = {" id=\"", "href=\"#", "url(#"};
    bool in_tag = false, in_value = false;
    for (const char *s = svg; *s; s++) {
        if (!in_tag && strncmp(s, "<!--", 4) == 0) { /* a comment: as it is */
            const char *close = strstr(s, "-->");
            size_t n = close ? (size_t)(close - s) + 3 : strlen(s);
            fwrite(s, 1, n, out);
            s += n - 1;
            continue;
        }
        fputc(*s, out);
        if (!in_tag) {
            in_tag = *s == '<';
            continue;
        }
        if (*s == '"')
            in_value = !in_value;
        else if (*s == '>' && !in_value)
            in_tag = false;
        /* A reference ends at s, inside a value: after its opening quote,
         * or at its '#'. */
        for (size_t k = 0; in_value && k < sizeof refs / sizeof refs[0]; k++) {
            size_t n = strlen(refs[k]);
            if ((size_t)(s - svg) + 1 >= n && strncmp(s + 1 - n, refs[k], n) == 0)
                fputs(prefix, out);
        }
    }
}

static bool uses_wait_for(const knot__finding *f) {
    return !f->predicted && (strcmp(f->rule, "leak") == 0 || strcmp(f->rule, "deadlock") == 0);
}

/* What the pictures share: the wait-for graph at the end of the run, and the
 * trace's happens-before edges, collected by one replay at the first picture
 * that needs them rather than by one replay for each. */
typedef struct pictures {
    char *wfg;
    knot__hb_edges edges;
    bool collected, have_edges;
} pictures;

static void picture(FILE *out, const knot__replay *r, const knot__finding *f, size_t index,
                    pictures *pics) {
    char *svg = NULL;
    const char *caption;
    const char *wfg = pics->wfg;
    if (uses_wait_for(f) && wfg) {
        caption = "The wait-for graph at the end of the run";
    } else {
        int tasks[64];
        knot__hb_window w = knot__hb_window_for(f, tasks, 64);
        char err[256];
        if (!pics->collected) {
            pics->collected = true;
            pics->have_edges = knot__hb_edges_collect(r, &pics->edges, err, sizeof err) == 0;
        }
        w.edges = pics->have_edges ? &pics->edges : NULL;
        Agraph_t *g = knot__graph_hb(r, &w, err, sizeof err);
        svg = g ? knot__render_svg(g) : NULL;
        knot__graph_free(g);
        caption = "What happened before it: the tasks involved, time flowing down";
    }
    const char *shown = svg ? svg : uses_wait_for(f) ? wfg : NULL;
    if (shown) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "f%zu-", index);
        fputs("<figure class=\"picture\">", out);
        put_svg(out, shown, prefix); /* Graphviz's SVG: its text is already XML-escaped */
        fprintf(out, "<figcaption>%s</figcaption></figure>\n", caption);
    }
    free(svg);
}

/* The tasks involved, one item for each place (and function) that spawned
 * some: a pool of 283 workers is one line. */
static void put_tasks(FILE *out, const knot__finding *f) {
    if (!f->ntasks)
        return;
    size_t n;
    knot__task_group *groups = knot__finding_task_groups(f, &n);
    fputs("<p>Tasks:</p><ul class=\"tasks\">\n", out);
    for (size_t k = 0; k < n; k++) {
        const knot__finding_task *t = groups[k].first;
        char ids[128];
        knot__task_group_ids(f, &groups[k], ids, sizeof ids);
        if (groups[k].count > 1)
            fprintf(out, "<li>%zu tasks (%s)", groups[k].count, ids);
        else
            fprintf(out, "<li>%s", ids);
        if (t->function && t->function[0]) {
            fputs(" running <code>", out);
            esc(out, t->function);
            fputs("()</code>", out);
        }
        if (t->spawn.file) {
            fputs(", spawned at <code>", out);
            esc(out, t->spawn.file);
            fprintf(out, ":%d</code>", t->spawn.line);
        } else if (t->spawn.module) {
            fputs(", spawned at <code>", out);
            esc(out, t->spawn.module);
            fprintf(out, "+0x%llx</code>", t->spawn.address);
        } else {
            fputs(" (the main task)", out);
        }
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    free(groups);
}

/* What predicted means, how to fix it, and the rule's page. */
static void put_advice(FILE *out, const knot__finding *f) {
    if (f->predicted) {
        fputs("<p class=\"advice predicted-meaning\"><span class=\"label\">Predicted:</span> ",
              out);
        esc(out, strchr(knot__predicted_meaning, ':') + 2);
        fputs(".</p>\n", out);
    }
    char page[512];
    knot__rule_page(f->rule, page, sizeof page);
    const char *fix = knot__rule_fix(f->rule);
    fputs("<p class=\"advice fix\">", out);
    if (fix) {
        fputs("<span class=\"label\">How to fix:</span> ", out);
        esc(out, fix);
        fputs(". ", out);
    }
    fputs("See <a class=\"rule-page\" href=\"", out);
    esc(out, page);
    fputs("\">", out);
    esc(out, page);
    fputs("</a>.</p>\n", out);
}

static void finding(FILE *out, const knot__replay *r, const knot__finding *f, size_t index,
                    pictures *pics) {
    fprintf(out,
            "<article class=\"finding\" id=\"finding-%zu\" data-rule=\"%s\" "
            "data-severity=\"%s\" data-predicted=\"%s\">\n<h3>",
            index, f->rule, knot__severity_name(f->severity), f->predicted ? "true" : "false");
    fprintf(out, "<span class=\"sev %s\">%s</span>", knot__severity_name(f->severity),
            knot__severity_name(f->severity));
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
            const knot__loc *a = &f->related[i].loc;
            bool same = a->file && f->loc.file && a->line == f->loc.line &&
                        strcmp(a->file, f->loc.file) == 0;
            if (!same) /* the primary line is shown above already */
                excerpt(out, a);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    put_tasks(out, f);
    put_advice(out, f);
    picture(out, r, f, index, pics);
    fputs("</article>\n", out);
}

/* How the run ended heads the page: a crash or a timeout changes how every
 * finding below reads. */
static void put_end(FILE *out, const knot__run_end *end) {
    char how[128];
    knot__run_end_describe(end, how, sizeof how);
    bool failed = end->how == KNOT_END_SIGNAL || end->how == KNOT_END_TIMEOUT ||
                  (end->how == KNOT_END_EXIT && end->value != 0);
    if (end->how == KNOT_END_UNKNOWN)
        fputs("<p class=\"end\">How the program ended is not in the trace (knot run records "
              "it).</p>\n",
              out);
    else
        fprintf(out, "<p class=\"end%s\">The program %s.</p>\n", failed ? " failed" : "", how);
}

int knot__report_html(FILE *out, const knot__replay *r, const knot__findings *fs) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>knot report: ",
          out);
    esc(out, r->path);
    fprintf(out, "</title>\n<style>%s</style></head>\n<body>\n<h1>knot report</h1>\n", style);
    put_end(out, &fs->end);
    fputs("<p class=\"summary\">Trace <code>", out);
    esc(out, r->path);
    size_t tasks = 0;
    for (size_t t = 1; t < r->ntasks; t++)
        tasks += r->tasks[t].present;
    fprintf(out, "</code>: %zu tasks, %lld events. %zu finding%s.</p>\n", tasks, r->events, fs->n,
            fs->n == 1 ? "" : "s");
    Agraph_t *g = knot__graph_wfg(r);
    pictures pics = {.wfg = g ? knot__render_svg(g) : NULL};
    knot__graph_free(g);
    if (fs->n == 0)
        fputs("<p class=\"clean\">No findings: nothing leaked, deadlocked or misused a lock or a "
              "channel in a way the trace shows or predicts.</p>\n",
              out);
    fputs("<nav>", out);
    for (size_t k = 0; k < knot__rules_count; k++) {
        size_t count = 0;
        for (size_t i = 0; i < fs->n; i++)
            count += strcmp(fs->v[i].rule, knot__rules[k]->id) == 0;
        if (count)
            fprintf(out, "<a href=\"#rule-%s\">%s (%zu)</a>", knot__rules[k]->id,
                    knot__rules[k]->id, count);
    }
    fputs("</nav>\n", out);
    for (size_t k = 0; k < knot__rules_count; k++) {
        const knot__rule *rule = knot__rules[k];
        bool any = false;
        for (size_t i = 0; i < fs->n; i++) {
            if (strcmp(fs->v[i].rule, rule->id) != 0)
                continue;
            if (!any)
                fprintf(out, "<section class=\"rule\" id=\"rule-%s\"><h2>%s</h2><p>%s</p>\n",
                        rule->id, rule->id, rule->summary);
            any = true;
            finding(out, r, &fs->v[i], i + 1, &pics);
        }
        if (any)
            fputs("</section>\n", out);
    }
    fputs("<footer>Made by knot check from the trace above; query it with sqlite3 (see "
          "docs/trace-format.md).</footer>\n</body></html>\n",
          out);
    free(pics.wfg);
    knot__hb_edges_free(&pics.edges);
    return ferror(out) ? -1 : 0;
}
