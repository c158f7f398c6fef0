#!/usr/bin/env python3
"""Check one report as Chromium rendered it (stdlib only).

usage: check_report.py NAME DOM.html CHROMIUM_STDERR.log SECTION_ID...

NAME is how faults name the report (its path).

Fails (exit 1, one line per fault) when the rendered DOM lacks a section id,
when the page fetched or referenced anything over the network, or when
Chromium logged any console message: the report has no script, so any
console line (an uncaught error, a failed resource load, an injected
console.error) is a fault.
"""
import html.parser
import re
import sys


class Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections = set()
        self.remote = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.add(a["id"])
        for key in ("src", "href", "xlink:href", "data"):
            v = a.get(key) or ""
            if re.match(r"\s*(https?:)?//", v):
                self.remote.append(f"<{tag} {key}={v}>")


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name, dom_path, log_path, wanted = argv[0], argv[1], argv[2], argv[3:]
    with open(dom_path, encoding="utf-8", errors="replace") as f:
        dom = f.read()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    faults = []
    if "</html>" not in dom:
        faults.append("the DOM dump is incomplete (Chromium did not finish the page)")
    p = Ids()
    p.feed(dom)
    for sid in wanted:
        if sid not in p.sections:
            faults.append(f"missing section #{sid}")
    faults.extend(f"network reference {r}" for r in p.remote)
    for line in log.splitlines():
        if ":CONSOLE" in line:
            faults.append("console: " + line.split("] ", 1)[-1])
    for fault in faults:
        print(f"{name}: {fault}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
