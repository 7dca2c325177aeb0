#!/usr/bin/env python3
"""Compares `ruff analyze graph` (JSON: file -> [files it depends on]) with codefacts' import
edges (CSV `src_path,dst_path`) and sorts the differences into categories.

Usage:
  compare-graph.py RUFF_JSON EDGES_CSV [--details DETAILS_CSV] [--ruff-log RUFF_STDERR]
                   [--files FILE_LIST] [--exclude-prefix PATH]... [--examples N]

DETAILS_CSV is the per-import CSV (src_path, line, form, level, module, name, absolute_module,
target_module, kind, dst_path) that this query prints; without it only the coarse categories
are available:
  codefacts sql --format csv "SELECT s.path AS src_path, i.line, i.form, i.level, i.module,
    i.name, i.absolute_module, i.target_module, i.target_kind AS kind, d.path AS dst_path
    FROM imports i JOIN files s ON s.file_id = i.file_id
    LEFT JOIN files d ON d.file_id = i.target_file_id ORDER BY 1, 2" RUFF_STDERR is ruff's stderr, used to recognise the files Ruff could
not read or parse. FILE_LIST (one path a line, `examples/graph.rs --files`) is the set of files
we indexed (`codefacts sql --format csv "SELECT path FROM files ORDER BY path"`, header
removed). Paths in both inputs must be relative to the same directory.
"""
import argparse
import collections
import csv
import json
import posixpath
import re

# Modules Ruff (ty's resolver) always takes from its bundled typeshed, never from first-party code.
NON_SHADOWABLE = {"builtins", "types", "typing_extensions", "sys"}


def module_of(path):
    """Dotted name of a path relative to the compared directory (root-relative naming)."""
    stem = re.sub(r"\.pyi?$", "", path)
    if stem.endswith("/__init__") or stem == "__init__":
        stem = stem[: -len("__init__")].rstrip("/")
    return stem.replace("/", ".")


def suffixes(dotted):
    parts = dotted.split(".")
    return {".".join(parts[i:]) for i in range(len(parts))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ruff_json")
    ap.add_argument("edges_csv")
    ap.add_argument("--details")
    ap.add_argument("--ruff-log")
    ap.add_argument("--files")
    ap.add_argument("--exclude-prefix", action="append", default=[],
                    help="drop edges whose importing file starts with this path prefix")
    ap.add_argument("--examples", type=int, default=3)
    a = ap.parse_args()

    ruff = json.load(open(a.ruff_json))
    R = {(s, d) for s, ds in ruff.items() for d in ds}
    with open(a.edges_csv, newline="") as f:
        O = {(r["src_path"], r["dst_path"]) for r in csv.DictReader(f)}

    def kept(e):
        return not any(e[0].startswith(p) for p in a.exclude_prefix)

    R = {e for e in R if kept(e)}
    O = {e for e in O if kept(e)}

    details = collections.defaultdict(list)
    our_files = {p for e in O for p in e}
    if a.details:
        with open(a.details, newline="") as f:
            for r in csv.DictReader(f):
                details[r["src_path"]].append(r)
                our_files.add(r["src_path"])

    if a.files:
        our_files |= {line.strip() for line in open(a.files) if line.strip()}

    unreadable, unparsable = set(), set()
    if a.ruff_log:
        for line in open(a.ruff_log, errors="replace"):
            m = re.match(r"warning: Failed to (read source|generate import map) for (\S+?):", line)
            if m:
                # Ruff prints absolute paths; keep the part that matches a compared path.
                path = m.group(2)
                for p in our_files:
                    if path.endswith("/" + p):
                        (unreadable if m.group(1) == "read source" else unparsable).add(p)
                        break

    ruff_files = set(ruff)
    all_files = ruff_files | our_files
    inits = {posixpath.dirname(p) for p in all_files if posixpath.basename(p) in ("__init__.py", "__init__.pyi")}

    def in_namespace_dir(path):
        """Some enclosing directory (below the compared root) has no `__init__`."""
        d = posixpath.dirname(path)
        while d:
            if d not in inits:
                return True
            d = posixpath.dirname(d)
        return False

    ident = re.compile(r"^[^\W\d]\w*$")

    def not_importable(path):
        return not all(ident.match(c) for c in path.split("/")[:-1])

    def rows_for(src, dst):
        return [r for r in details.get(src, []) if r["dst_path"] == dst]

    cats = collections.defaultdict(list)

    for s, d in sorted(R - O):
        if d.endswith(".pyi") and ((s, d[:-1]) in O or (s, d[:-1]) in R):
            cats["ruff only: the .pyi stub next to the .py (Ruff adds both, we take the .py)"].append((s, d))
            continue
        if s not in our_files and s in ruff_files:
            cats["ruff only: importing file not in our walk"].append((s, d))
            continue
        if not_importable(s):
            cats["ruff only: importer under a non-identifier directory (e.g. `django-stubs/`): no module "
                 "name for us, Ruff names it from an inferred root"].append((s, d))
            continue
        want = module_of(d)
        cands = suffixes(want)
        why = None
        for r in details.get(s, []):
            lvl = int(r["level"])
            names = {r["absolute_module"], r["target_module"]}
            written = r["module"]
            if r["form"] == "from" and r["name"] != "*":
                names.add((r["absolute_module"] + "." + r["name"]).strip("."))
                writ_full = (written + "." + r["name"]).strip(".")
            else:
                writ_full = written
            if lvl > 0 and r["kind"] == "unresolved" and not r["absolute_module"] and (
                writ_full in cands or written in cands
            ):
                why = "ruff only: relative import climbing above the top-level package (Python raises ImportError)"
                break
            if (r["name"] == "*" and r["kind"] == "unresolved"
                    and r["absolute_module"].startswith(want + ".")):
                why = ("ruff only: star import of a missing submodule falls back to the parent package "
                       "(Python raises ModuleNotFoundError)")
                break
            if lvl == 0 and r["kind"] in ("third_party", "unresolved", "stdlib") and (names & (cands - {want})):
                why = ("ruff only: resolved through an extra search root Ruff infers "
                       "(directory of the importer, or parent of another file's top-level package)")
                break
        cats[why or "ruff only: other"].append((s, d))

    for s, d in sorted(O - R):
        if s not in ruff_files:
            if s in unreadable:
                cats["ours only: Ruff could not read the importing file (not UTF-8)"].append((s, d))
            else:
                cats["ours only: importing file not analysed by Ruff (default exclusion, e.g. `venv/`)"].append((s, d))
            continue
        if s in unparsable:
            cats["ours only: Ruff could not parse the importing file (tree-sitter recovers)"].append((s, d))
            continue
        if d not in ruff_files:
            cats["ours only: target not analysed by Ruff"].append((s, d))
            continue
        if module_of(d).split(".")[0] in NON_SHADOWABLE and "/" not in d:
            cats["ours only: module Ruff never lets first-party code shadow (`types`, `typing_extensions`, `builtins`, `sys`)"].append((s, d))
            continue
        rows = rows_for(s, d)
        if any(int(r["level"]) > 0 for r in rows) and (in_namespace_dir(s)):
            cats["ours only: relative import in a module whose package chain has a namespace (no `__init__`) directory"].append((s, d))
            continue
        cats["ours only: other"].append((s, d))

    print(f"ruff edges: {len(R)}  ours: {len(O)}  common: {len(R & O)}  "
          f"ruff only: {len(R - O)}  ours only: {len(O - R)}")
    print(f"files: ruff {len(ruff_files)}  ours {len(our_files)}  "
          f"only ruff {len(ruff_files - our_files)}  only ours {len(our_files - ruff_files)}")
    print()
    print("| category | edges | example |")
    print("|---|---:|---|")
    for c in sorted(cats, key=lambda c: (not c.startswith("ruff"), -len(cats[c]))):
        ex = "; ".join(f"`{s}` -> `{d}`" for s, d in cats[c][: a.examples])
        print(f"| {c} | {len(cats[c])} | {ex} |")


if __name__ == "__main__":
    main()
