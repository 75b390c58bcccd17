#!/usr/bin/env python3
"""Assertions on knot's HTML report, parsed as HTML.

  check-report.py dom DOM.html FINDINGS.json   the DOM a browser built from the
      report holds every finding of FINDINGS.json (knot check --format json),
      each as an article with its rule, its message and an inline SVG picture
  check-report.py escape REPORT.html TEXT...   the report has no element but
      those knot writes (no <script>, no <img>, no handler attributes) and
      shows each TEXT literally
  check-report.py page REPORT.html FINDINGS.json DOCS END   the page as a
      whole: how the run ended (END) heads it; every id on it is unique
      though pictures repeat; each finding links its rule's page (which
      exists in DOCS) and says how to fix it; predicted ones say what that
      means; tasks spawned at one place are one item
"""
import os
import re
import json
import sys
from html.parser import HTMLParser

ALLOWED = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "nav", "a",
           "section", "article", "span", "code", "pre", "ul", "li", "figure", "figcaption",
           "footer", "svg", "g", "title", "path", "polygon", "ellipse", "text", "polyline"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs_seen, self.text = [], [], []
        self.articles = []  # [rule, message text, svg count, node count]
        self.depth_article = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs_seen.extend(k for k, _ in attrs)
        if tag == "article" and "finding" in a.get("class", ""):
            self.articles.append([a.get("data-rule"), "", 0, 0])
            self.depth_article = 1
        elif self.depth_article:
            self.depth_article += 1
            if tag == "svg":
                self.articles[-1][2] += 1
            if tag == "g" and "node" in a.get("class", "").split():
                self.articles[-1][3] += 1

    def handle_endtag(self, tag):
        if self.depth_article:
            self.depth_article -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self.depth_article and self.articles:
            self.articles[-1][1] += data


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def dom(dump, findings_json):
    page = parse(dump)
    with open(findings_json, encoding="utf-8") as f:
        findings = json.load(f)["findings"]
    if len(page.articles) != len(findings):
        fail(f"{len(page.articles)} findings on the page, {len(findings)} in knot check's JSON")
    for want in findings:
        match = [a for a in page.articles
                 if a[0] == want["rule"] and " ".join(want["message"].split()) in
                 " ".join(a[1].split())]
        if not match:
            fail(f"finding not on the page: [{want['rule']}] {want['message']}")
        if match[0][2] < 1 or match[0][3] < 2:
            fail(f"finding [{want['rule']}] has no picture (svg {match[0][2]}, nodes {match[0][3]})")
    print(f"ok: all {len(findings)} findings on the page, each with its picture")


def escape(report, texts):
    page = parse(report)
    bad = sorted(set(page.tags) - ALLOWED)
    if bad:
        fail(f"elements knot does not write: {bad}")
    handlers = [a for a in page.attrs_seen if a.startswith("on")]
    if handlers:
        fail(f"event-handler attributes: {handlers}")
    text = "".join(page.text)
    for t in texts:
        if t not in text:
            fail(f"{t!r} is not shown as text")
    print(f"ok: no foreign element, {len(texts)} hostile strings shown as text")


class Elements(HTMLParser):
    """Every element in order, with its attributes, its text and, for those
    inside a finding, the finding's index."""

    def __init__(self):
        super().__init__()
        self.elements, self.open, self.article = [], [], -1

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.article += 1
        e = {"tag": tag, "attrs": a, "text": "", "article": self.article}
        self.elements.append(e)
        if tag not in ("meta",):
            self.open.append(e)

    def handle_endtag(self, tag):
        while self.open:
            e = self.open.pop()
            if e["tag"] == tag:
                break

    def handle_data(self, data):
        for e in self.open:
            e["text"] += data


def page(report, findings_json, docs, end):
    p = Elements()
    with open(report, encoding="utf-8") as f:
        p.feed(f.read())
    with open(findings_json, encoding="utf-8") as f:
        findings = json.load(f)["findings"]
    els = p.elements
    first = next(i for i, e in enumerate(els) if e["tag"] == "h1")
    head = els[first + 1]
    if head["tag"] != "p" or "end" not in head["attrs"].get("class", "").split() or \
            end not in head["text"]:
        fail(f"the page does not open with how the run ended ({end!r}): {head}")
    ids = [e["attrs"]["id"] for e in els if "id" in e["attrs"]]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        fail(f"ids used more than once: {dup[:5]}")
    if sum(e["tag"] == "svg" for e in els) < 2:
        fail("fewer than two pictures: nothing to say about their ids")
    articles = [e for e in els if e["tag"] == "article"]
    if len(articles) != len(findings):
        fail(f"{len(articles)} findings on the page, {len(findings)} in knot check's JSON")
    for k, art in enumerate(articles):
        rule = art["attrs"]["data-rule"]
        inside = [e for e in els if e["article"] == k and e is not art]
        links = [e for e in inside if e["tag"] == "a" and "rule-page" in e["attrs"].get("class", "")]
        href = links[0]["attrs"].get("href", "") if len(links) == 1 else ""
        if not href.endswith(f"rules/{rule}.md") or \
                not os.path.isfile(os.path.join(docs, "rules", f"{rule}.md")):
            fail(f"finding {k + 1} [{rule}] does not link its rule's page: {links}")
        fixes = [e for e in inside if "fix" in e["attrs"].get("class", "").split()]
        if len(fixes) != 1 or "How to fix:" not in fixes[0]["text"]:
            fail(f"finding {k + 1} [{rule}] says not how to fix it")
        meant = [e for e in inside if "predicted-meaning" in e["attrs"].get("class", "").split()]
        if len(meant) != (art["attrs"].get("data-predicted") == "true"):
            fail(f"finding {k + 1} [{rule}]: {len(meant)} explanations of predicted")
        places = [re.sub(r"^.*spawned at ", "", e["text"]) for e in inside
                  if e["tag"] == "li" and "spawned at" in e["text"]]
        if len(places) != len(set(places)):
            fail(f"finding {k + 1} [{rule}] lists one spawn site twice: {places}")
    print(f"ok: the run's end heads the page, {len(ids)} unique ids, {len(findings)} findings "
          f"each linking its rule and how to fix it")


if __name__ == "__main__":
    if sys.argv[1] == "dom":
        dom(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "page":
        page(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        escape(sys.argv[2], sys.argv[3:])
