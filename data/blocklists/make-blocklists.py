#!/usr/bin/env python3
"""Extracts the password columns of the shared credential lists into the plain
blocklists that provisio bundles (one password per line, UTF-8, de-duplicated,
in first-seen order; empty passwords dropped). See SOURCES.md.
Run from the repository root: python3 data/blocklists/make-blocklists.py ../shared/data/credentials
"""
import csv
import os
import sys


def unique(items):
    seen = set()
    out = []
    for item in items:
        item = item.strip("\r\n")
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def write(name, items):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, name), "w", encoding="utf-8", newline="\n") as f:
        for item in unique(items):
            f.write(item + "\n")


def main() -> int:
    src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/credentials"
    with open(os.path.join(src, "mirai_credentials.csv"), encoding="utf-8") as f:
        write("mirai-defaults.txt", [row["password"] for row in csv.DictReader(f)])

    defaults = []
    with open(os.path.join(src, "seclists/default-passwords.csv"), encoding="utf-8",
              errors="replace") as f:
        for row in csv.DictReader(f):
            p = row.get("Password") or ""
            if p not in ("<BLANK>", "<N/A>", "<UNKNOWN>"):
                defaults.append(p)
    for name in ("ssh-betterdefaultpasslist.txt", "telnet-betterdefaultpasslist.txt"):
        with open(os.path.join(src, "seclists", name), encoding="utf-8", errors="replace") as f:
            defaults += [line.rstrip("\r\n").split(":", 1)[1] for line in f if ":" in line]
    with open(os.path.join(src, "seclists/routers-0ALL-USERNAMES-AND-PASSWORDS.txt"),
              encoding="utf-8", errors="replace") as f:
        defaults += list(f)
    write("seclists-defaults.txt", defaults)

    with open(os.path.join(src, "seclists/10-million-password-list-top-10000.txt"),
              encoding="utf-8", errors="replace") as f:
        write("seclists-top-10000.txt", list(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
