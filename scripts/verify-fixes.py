#!/usr/bin/env python3
"""Verifies `codefacts fix relative-imports --apply` on real code, beside Ruff's own fix
(`ruff check --select TID252 --fix --unsafe-fixes`), both with `ban-relative-imports = "all"`;
then `fix unused-imports --everywhere --apply` beside `ruff check --select F401 --fix`; then
`fix missing-imports --apply` on copies where one import binding per file was deleted (as
scripts/bench-suggestions.py deletes them): the F821 it removes, and any new finding of Ruff's
default rules.

For each tree (a copy of this interpreter's standard library, and pure-Python sdists fetched
with `pip download`) and each tool, on a fresh copy it measures:

* TID252 left: what `ruff check --select TID252` still reports afterwards, and for codefacts
  how many of those it listed as left unchanged (with the reasons, counted);
* compile: files `python3 -m compileall -q` fails on afterwards that it passed before;
* edges: whether the import graph has exactly the same edges as before, by `ruff analyze graph`
  and by codefacts (`graph_edges`, graph `all`), with the edges gained and lost;
* files changed, and the tool's wall time;
* for codefacts, what a second run (a diff) would still change afterwards: it must be 0.

Usage: scripts/verify-fixes.py [--keep DIR]   (needs ruff 0.17.6 and a release build)
"""
import collections
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CF = os.environ.get("CODEFACTS_BIN") or os.path.join(ROOT, "target", "release", "codefacts")
PROJECTS = ["rich==13.7.1", "flask==3.0.3"]
BAN_ALL = "lint.flake8-tidy-imports.ban-relative-imports = 'all'"


def copy(src, dst):
    shutil.copytree(src, dst, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "__pycache__", ".codefacts",
                                                  "site-packages", "*.pyc"))
    os.makedirs(os.path.join(dst, ".git"), exist_ok=True)


def py_files(tree):
    out = []
    for dp, dns, fns in os.walk(tree):
        dns[:] = sorted(d for d in dns if d not in (".git", ".codefacts", "__pycache__"))
        out += [os.path.relpath(os.path.join(dp, f), tree) for f in sorted(fns)
                if f.endswith((".py", ".pyi"))]
    return out


def compile_failures(tree):
    """Files `python3 -m compileall -q` reports an error for (run in a scratch copy of the
    bytecode: -b off, no writes into the tree)."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=tempfile.mkdtemp(prefix="pyc-"))
    r = subprocess.run([sys.executable, "-m", "compileall", "-q", "-f", tree],
                       capture_output=True, text=True, env=env)
    shutil.rmtree(env["PYTHONPYCACHEPREFIX"], ignore_errors=True)
    failed = set()
    for line in r.stdout.splitlines():
        m = re.match(r"\*\*\* Error compiling '(.*)'", line)
        if m:
            failed.add(os.path.relpath(m.group(1), tree))
    return failed


def ruff_edges(tree):
    r = subprocess.run(["ruff", "analyze", "graph", "--no-cache", "--config", BAN_ALL, "."],
                       cwd=tree, capture_output=True, text=True)
    graph = json.loads(r.stdout or "{}")
    return {(a, b) for a, bs in graph.items() for b in bs}


def cf_edges(tree):
    db = os.path.join(tree, ".codefacts", "facts.db")
    r = subprocess.run([CF, "sql", "--format", "csv", "--path", tree, "--db", db,
                        "SELECT s.path, d.path FROM graph_edges e "
                        "JOIN files s ON s.file_id = e.src_file_id "
                        "JOIN files d ON d.file_id = e.dst_file_id "
                        "WHERE e.graph = 'all' ORDER BY 1, 2"],
                       capture_output=True, text=True, check=True)
    return {tuple(l.split(",", 1)) for l in r.stdout.splitlines()[1:]}


def tid252(tree):
    return findings(tree, "TID252")


def findings(tree, code, with_column=False):
    """Ruff's findings of one rule, as (file, row[, column]); the config bans all relative
    imports for TID252."""
    r = subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--select", code,
                        "--config", "lint.flake8-tidy-imports.ban-relative-imports = 'all'",
                        "--output-format", "json", "--exit-zero", "."],
                       cwd=tree, capture_output=True, text=True)
    return {(os.path.relpath(f["filename"], tree), f["location"]["row"])
            + ((f["message"],) if with_column else ())
            for f in json.loads(r.stdout or "[]") if f["code"] == code}


def run_unused(label, src, scratch):
    """`fix unused-imports --everywhere --apply` against `ruff check --select F401 --fix`:
    F401 left, new F821 (a removed import that was used), new compile failures, files changed."""
    base = os.path.join(scratch, label + "-ubase")
    copy(src, base)
    before_fail = compile_failures(base)
    before_f401 = findings(base, "F401")
    before_f821 = findings(base, "F821", with_column=True)
    rows = []
    for tool in ["codefacts", "ruff"]:
        tree = os.path.join(scratch, f"{label}-u{tool}")
        copy(base, tree)
        left = collections.Counter()
        if tool == "codefacts":
            subprocess.run([CF, "index", tree, "--quiet", "--semantic"], check=True)
            t0 = time.perf_counter()
            r = subprocess.run([CF, "fix", "unused-imports", "--everywhere", "--apply",
                                "--root", tree], capture_output=True, text=True)
            elapsed = time.perf_counter() - t0
            if r.returncode not in (0, 1):
                print(r.stderr[-2000:], file=sys.stderr)
            for line in r.stderr.splitlines():
                m = re.match(r"(.*):(\d+): left unchanged: (.*)", line)
                if m:
                    left[re.sub(r"`[^`]*`", "`X`", m.group(3))] += 1
                elif "not fixed" in line:
                    left["not fixed: " + line.split("not fixed: ", 1)[1][:60]] += 1
        else:
            t0 = time.perf_counter()
            subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--select", "F401",
                            "--fix", "--exit-zero", "--quiet", "."], cwd=tree,
                           capture_output=True, text=True)
            elapsed = time.perf_counter() - t0
        after_f821 = findings(tree, "F821", with_column=True)
        second = (second_run(tree, "unused-imports", "--everywhere")
                  if tool == "codefacts" else None)
        rows.append({
            "tool": tool,
            "f401_before": len(before_f401),
            "f401_after": len(findings(tree, "F401")),
            "new_f821": len({(f, m) for f, _, m in after_f821} - {(f, m) for f, _, m in before_f821}),
            "new_compile_failures": sorted(compile_failures(tree) - before_fail),
            "files_changed": changed(base, tree),
            "seconds": elapsed,
            "left": left,
            "second": second,
        })
    return rows


def changed(a, b):
    n = 0
    for rel in py_files(a):
        if not os.path.exists(os.path.join(b, rel)) or not filecmp.cmp(
                os.path.join(a, rel), os.path.join(b, rel), shallow=False):
            n += 1
    return n


def second_run(tree, kind, *extra):
    """The places a second `fix KIND` (a diff, no --apply) would still change after --apply:
    0 when the fix reached its fixed point, as the issue asks; -1 when the summary is missing."""
    r = subprocess.run([CF, "fix", kind, "--root", tree, *extra], capture_output=True,
                       text=True)
    m = re.search(r"would fix (\d+) place", r.stderr)
    return int(m.group(1)) if m else -1


def run_tree(label, src, scratch):
    base = os.path.join(scratch, label + "-base")
    copy(src, base)
    before_fail = compile_failures(base)
    before_tid = tid252(base)
    before_ruff = ruff_edges(base)
    subprocess.run([CF, "index", base, "--quiet"], check=True)
    before_cf = cf_edges(base)
    rows = []
    for tool in ["codefacts", "ruff"]:
        tree = os.path.join(scratch, f"{label}-{tool}")
        copy(base, tree)
        left = collections.Counter()
        listed = set()
        if tool == "codefacts":
            # The index a user has before fixing (with the semantic layer `check` builds).
            subprocess.run([CF, "index", tree, "--quiet", "--semantic"], check=True)
            t0 = time.perf_counter()
            r = subprocess.run([CF, "fix", "relative-imports", "--apply", "--root", tree,
                                "--config", BAN_ALL], capture_output=True, text=True)
            elapsed = time.perf_counter() - t0
            if r.returncode not in (0, 1):
                print(r.stderr, file=sys.stderr)
            for line in r.stderr.splitlines():
                m = re.match(r"(.*):(\d+): left unchanged: (.*)", line)
                if m:
                    listed.add((m.group(1), int(m.group(2))))
                    reason = re.sub(r"`[^`]*`", "`X`", m.group(3))
                    reason = re.sub(r"resolves to \S+", "resolves to F", reason)
                    reason = re.sub(r"\(([^)]*)\)", "(...)", reason)
                    left[reason] += 1
        else:
            t0 = time.perf_counter()
            subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--select", "TID252",
                            "--config", BAN_ALL, "--fix", "--unsafe-fixes", "--exit-zero",
                            "--quiet", "."], cwd=tree, capture_output=True, text=True)
            elapsed = time.perf_counter() - t0
        after_tid = tid252(tree)
        after_fail = compile_failures(tree)
        after_ruff = ruff_edges(tree)
        second = None
        if tool == "codefacts":
            after_cf = cf_edges(tree)
            second = second_run(tree, "relative-imports", "--config", BAN_ALL)
        else:
            subprocess.run([CF, "index", tree, "--quiet"], check=True)
            after_cf = cf_edges(tree)
        rows.append({
            "tool": tool,
            "tid252_before": len(before_tid),
            "tid252_after": len(after_tid),
            "unlisted": len(after_tid - listed) if tool == "codefacts" else None,
            "new_compile_failures": sorted(after_fail - before_fail),
            "ruff_edges": (len(after_ruff - before_ruff), len(before_ruff - after_ruff)),
            "cf_edges": (len(after_cf - before_cf), len(before_cf - after_cf)),
            "files_changed": changed(base, tree),
            "seconds": elapsed,
            "left": left,
            "second": second,
        })
    return rows


def load_bench():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "bench_suggestions", os.path.join(ROOT, "scripts", "bench-suggestions.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def ruff_default(tree):
    """Ruff's findings with its default rules, as a multiset of (file, code, message)."""
    r = subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--output-format", "json",
                        "--exit-zero", "."], cwd=tree, capture_output=True, text=True)
    # Messages that name a line ("redefinition of unused `x` from line 12") are compared
    # without it: a restored import on another line is the same finding.
    return collections.Counter((os.path.relpath(f["filename"], tree), f["code"],
                                re.sub(r"line \d+", "line N", f["message"]))
                               for f in json.loads(r.stdout or "[]"))


def run_missing(label, src, scratch, bench, rng):
    tree = os.path.join(scratch, label + "-missing")
    copy(src, tree)
    original = ruff_default(tree)
    cases = bench.pick_cases(tree, rng, set())
    for c in cases:
        bench.delete(tree, c)
    before = ruff_default(tree)
    before_fail = compile_failures(tree)
    subprocess.run([CF, "index", tree, "--quiet", "--semantic"], check=True)
    t0 = time.perf_counter()
    r = subprocess.run([CF, "fix", "missing-imports", "--apply", "--root", tree],
                       capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        print(r.stderr[-2000:], file=sys.stderr)
    after = ruff_default(tree)
    second = second_run(tree, "missing-imports")
    f821 = lambda c: sum(n for (_, code, _), n in c.items() if code == "F821")
    # New: in neither the original code nor the code the fix was given. What deleting the
    # imports hid (`t.Tuple` is only UP006 once `t` is defined again) does not count, nor what
    # the deletion itself left (two blank lines where the deleted line was: I001), only what
    # the fix introduced.
    new = after - (original | before)
    # F821 left over are the deleted imports the fix did not restore (below the threshold):
    # counted in `after`, not as new.
    new = collections.Counter({k: n for k, n in new.items() if k[1] != "F821"})
    return {
        "deleted": len(cases),
        "f821_before": f821(before),
        "f821_after": f821(after),
        "new": new,
        "new_compile_failures": sorted(compile_failures(tree) - before_fail),
        "seconds": elapsed,
        "second": second,
    }


def main():
    if not os.path.exists(CF):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "codefacts"],
                       cwd=ROOT, check=True)
    scratch = tempfile.mkdtemp(prefix="codefacts-verify-")
    trees = [("stdlib", sysconfig.get_paths()["stdlib"])]
    bench = load_bench()  # its `fetch` downloads and unpacks an sdist
    trees += [(spec.split("==")[0], bench.fetch(spec, scratch)) for spec in PROJECTS]
    ok = True
    print("| tree | tool | TID252 before | after | after, not listed | new compile failures "
          "| ruff graph +/- | codefacts graph +/- | files changed | seconds | second run |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    reasons = []
    for label, src in trees:
        for r in run_tree(label, src, scratch):
            unlisted = "-" if r["unlisted"] is None else str(r["unlisted"])
            print(f"| {label} | {r['tool']} | {r['tid252_before']} | {r['tid252_after']} | "
                  f"{unlisted} | {len(r['new_compile_failures'])} | "
                  f"+{r['ruff_edges'][0]} -{r['ruff_edges'][1]} | "
                  f"+{r['cf_edges'][0]} -{r['cf_edges'][1]} | {r['files_changed']} | "
                  f"{r['seconds']:.2f} | {'-' if r['second'] is None else r['second']} |",
                  flush=True)
            if r["tool"] == "codefacts":
                reasons.append((label, r["left"]))
                if (r["unlisted"] or r["new_compile_failures"] or any(r["ruff_edges"])
                        or any(r["cf_edges"]) or r["second"] != 0):
                    ok = False
                    print(f"  codefacts broke something on {label}: "
                          f"{r['new_compile_failures'][:5]}", file=sys.stderr)
    print("\nLeft unchanged by codefacts, by reason:\n")
    for label, left in reasons:
        for reason, n in sorted(left.items(), key=lambda x: (-x[1], x[0])):
            print(f"- {label}: {n} × {reason}")
    print("\n`fix unused-imports --everywhere` beside `ruff check --select F401 --fix`:\n")
    print("| tree | tool | F401 before | after | new F821 | new compile failures "
          "| files changed | seconds | second run |")
    print("|---|---|---|---|---|---|---|---|---|")
    reasons = []
    for label, src in trees:
        for r in run_unused(label, src, scratch):
            print(f"| {label} | {r['tool']} | {r['f401_before']} | {r['f401_after']} | "
                  f"{r['new_f821']} | {len(r['new_compile_failures'])} | {r['files_changed']} | "
                  f"{r['seconds']:.2f} | {'-' if r['second'] is None else r['second']} |",
                  flush=True)
            if r["tool"] == "codefacts":
                reasons.append((label, r["left"]))
                if r["new_f821"] or r["new_compile_failures"] or r["second"] != 0:
                    ok = False
                    print(f"  codefacts broke something on {label}: "
                          f"{r['new_compile_failures'][:5]}", file=sys.stderr)
    print("\nLeft unchanged by codefacts, by reason:\n")
    for label, left in reasons:
        for reason, n in sorted(left.items(), key=lambda x: (-x[1], x[0])):
            print(f"- {label}: {n} × {reason}")
    print("\n`fix missing-imports` (default --min-confidence 0.9) after deleting one import "
          "binding per file:\n")
    print("| tree | bindings deleted | F821 before | after | removed | findings the original did "
          "not have (Ruff's defaults) | new compile failures | seconds | second run |")
    print("|---|---|---|---|---|---|---|---|---|")
    import random
    rng = random.Random(20261201)
    for label, src in trees:
        r = run_missing(label, src, scratch, bench, rng)
        shown = ", ".join(f"{code} {n}" for code, n in sorted(collections.Counter(
            code for (_, code, _), k in r["new"].items() for _ in range(k)).items())) or "0"
        print(f"| {label} | {r['deleted']} | {r['f821_before']} | {r['f821_after']} | "
              f"{r['f821_before'] - r['f821_after']} | {shown} | "
              f"{len(r['new_compile_failures'])} | {r['seconds']:.2f} | {r['second']} |",
              flush=True)
        if r["new"] or r["new_compile_failures"] or r["second"] != 0:
            ok = False
            for (f, code, msg), _ in list(r["new"].items())[:10]:
                print(f"  new: {f}: {code} {msg}", file=sys.stderr)
    shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
