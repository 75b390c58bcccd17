#!/usr/bin/env python3
"""Assertions on knot's HTML report, parsed as HTML.

  check-report.py dom DOM.html FINDINGS.json   the DOM a browser built from the
      report holds every finding of FINDINGS.json (knot check --format json),
      each as an article with its rule, its message and an inline SVG picture
  check-report.py escape REPORT.html TEXT...   the report has no element but
      those knot writes (no <script>, no <img>, no handler attributes) and
      shows each TEXT literally
"""
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


if __name__ == "__main__":
    if sys.argv[1] == "dom":
        dom(sys.argv[2], sys.argv[3])
    else:
        escape(sys.argv[2], sys.argv[3:])
