#!/usr/bin/env python3
"""Measures `codefacts report import-suggestions` on real code (issue: import suggestions).

For each project (pure-Python sdists fetched with `pip download`, plus this machine's standard
library), with a fixed seed: pick module-level import bindings whose name the file uses (one
per file, at most CASES per project; only that name from a multi-name statement; `from`,
`import`, aliased and relative imports alike), delete them all, keep a case only when `ruff
check --select F821` then reports F821 for that name in that file, index the tree and ask
codefacts for suggestions. Scores: coverage, top-1 exact (the same name bound to the same
module), top-1 equivalent (exact, or the same name from a package above or below it in the same
top-level package: a re-export, approximately), top-3, mean reciprocal rank, and precision at
each confidence threshold, by kind (first-party, stdlib, third-party), with the baseline "the
most frequent existing import of that name in the project" beside it.

Usage: scripts/bench-suggestions.py [CASES]   (needs ruff 0.17.6 and a release build)
"""
import ast
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CF = os.environ.get("CODEFACTS_BIN") or os.path.join(ROOT, "target", "release", "codefacts")
CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 150
SEED = 20261201
ROUNDS = 6
# Pure-Python sdists of several sizes and layouts (attrs and rich: src layout / flat package).
PROJECTS = ["Django==5.1", "flask==3.0.3", "requests==2.32.3", "rich==13.7.1", "attrs==24.2.0",
            "click==8.1.7"]
STDLIB = set(sys.stdlib_module_names)


def fetch(spec, into):
    d = os.path.join(into, "dl")
    os.makedirs(d, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", ":all:", "-d", d, spec], check=True)
    name = spec.split("==")[0].lower()
    arch = next(f for f in os.listdir(d) if f.lower().startswith(name.replace("-", "_")) or
                f.lower().startswith(name))
    out = os.path.join(into, name)
    with tarfile.open(os.path.join(d, arch)) as t:
        t.extractall(out, filter="data")
    top = os.path.join(out, os.listdir(out)[0])
    os.remove(os.path.join(d, arch))
    return top


def module_of(rel):
    parts = rel[:-3].split("/")
    if parts[0] == "src":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def absolute(node, rel):
    """The absolute module of an ImportFrom in the file at rel."""
    if not node.level:
        return node.module
    pkg = module_of(rel).split(".")
    if not rel.endswith("__init__.py"):
        pkg = pkg[:-1]
    base = pkg[: len(pkg) - (node.level - 1)] if node.level > 1 else pkg
    return ".".join(base + ([node.module] if node.module else []))


def relative_target(rel, node, modules):
    """The index's module name of the package or module a relative ImportFrom in `rel` loads
    from, found by its path (None when the index holds no such file)."""
    parts = rel.split("/")[:-1]
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    if node.module:
        parts = parts + node.module.split(".")
    base = "/".join(parts)
    for candidate in (base + ".py", base + ".pyi", base + "/__init__.py", base + "/__init__.pyi"):
        if candidate.lstrip("/") in modules:
            return modules[candidate.lstrip("/")]
    return None


def used_names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def bound_elsewhere(tree, name, skip):
    count = 0
    for n in ast.walk(tree):
        if isinstance(n, (ast.Import, ast.ImportFrom)) and n is not skip:
            count += sum(1 for a in n.names if (a.asname or a.name.split(".")[0]) == name)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == name:
            count += 1
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id == name:
            count += 1
    return count > 0


def pick_cases(tree_root, rng, taken):
    files = []
    for dp, dns, fns in os.walk(tree_root):
        dns[:] = sorted(d for d in dns if not d.startswith("."))
        for f in sorted(fns):
            if f.endswith(".py"):
                files.append(os.path.relpath(os.path.join(dp, f), tree_root))
    rng.shuffle(files)
    cases = []
    for rel in files:
        if len(cases) >= CASES * 4:
            break
        path = os.path.join(tree_root, rel)
        try:
            text = open(path, encoding="utf-8").read()
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        used = used_names(tree)
        options = []
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                if any(a.name == "*" for a in node.names):
                    continue
                for a in node.names:
                    name = a.asname or a.name
                    if (name in used and not bound_elsewhere(tree, name, node)
                            and (rel, name) not in taken):
                        options.append((node, a, name, absolute(node, rel), "from"))
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if "." in a.name and not a.asname:
                        continue  # binds the top package: another name than the one used
                    name = a.asname or a.name
                    if (name in used and not bound_elsewhere(tree, name, node)
                            and (rel, name) not in taken):
                        options.append((node, a, name, a.name, "import"))
        if not options:
            continue
        node, alias, name, module, form = rng.choice(options)
        if module is None:
            continue
        cases.append({"file": rel, "node": node, "alias": alias, "name": name,
                      "module": module, "form": form, "imported": alias.name,
                      "asname": alias.asname, "relative": getattr(node, "level", 0) > 0})
    return cases


def delete(tree_root, case):
    path = os.path.join(tree_root, case["file"])
    lines = open(path, encoding="utf-8").read().split("\n")
    node = case["node"]
    rest = [a for a in node.names if a is not case["alias"]]
    start, end = node.lineno - 1, node.end_lineno
    if rest:
        node.names = rest
        replacement = [ast.unparse(node)]
    else:
        replacement = ["pass"] if start > 0 and lines[start - 1].rstrip().endswith(":") else []
    lines[start:end] = replacement
    open(path, "w", encoding="utf-8").write("\n".join(lines))


def kind_of(module, first_party):
    top = module.split(".")[0]
    if top in first_party:
        return "first-party"
    if top in STDLIB:
        return "stdlib"
    return "third-party"


def parse_line(line):
    """(module, name, alias) of an import line codefacts suggests."""
    parts = line.split()
    if parts[0] == "from":
        alias = parts[5] if len(parts) > 5 else None
        return parts[1], parts[3], alias
    alias = parts[3] if len(parts) > 3 else None
    return parts[1], None, alias


def expected_key(c):
    if c["form"] == "from":
        return (c["module"], c["imported"], c["asname"])
    return (c["imported"], None, c["asname"])


def equivalent(got, want):
    if got == want:
        return True
    (gm, gn, ga), (wm, wn, wa) = got, want
    if gn != wn or ga != wa or gn is None:
        return False
    if gm.split(".")[0] != wm.split(".")[0]:
        return False
    return gm.startswith(wm + ".") or wm.startswith(gm + ".")


def baseline(tree_root, cases):
    """The most frequent existing import of each name in the (modified) project."""
    counts = {}
    for dp, dns, fns in os.walk(tree_root):
        dns[:] = [d for d in dns if not d.startswith(".")]
        for f in fns:
            if not f.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(dp, f), tree_root)
            try:
                tree = ast.parse(open(os.path.join(dp, f), encoding="utf-8").read())
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            for n in ast.walk(tree):
                if isinstance(n, ast.ImportFrom) and n.module != "__future__":
                    mod = absolute(n, rel)
                    for a in n.names:
                        if a.name != "*" and mod:
                            key = (mod, a.name, a.asname)
                            counts.setdefault(a.asname or a.name, {}).setdefault(key, 0)
                            counts[a.asname or a.name][key] += 1
                elif isinstance(n, ast.Import):
                    for a in n.names:
                        key = (a.name, None, a.asname)
                        counts.setdefault(a.asname or a.name, {}).setdefault(key, 0)
                        counts[a.asname or a.name][key] += 1
    out = {}
    for c in cases:
        options = counts.get(c["name"], {})
        out[id(c)] = max(sorted(options, key=repr), key=lambda k: options[k]) if options else None
    return out


def run_round(label, src, scratch, rng, taken, want):
    """One copy of the project with at most one deleted binding per file: the kept cases and
    codefacts' rows for them."""
    tree_root = os.path.join(scratch, f"tree-{label}-{len(taken)}")
    shutil.copytree(src, tree_root, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "__pycache__", ".codefacts"))
    os.makedirs(os.path.join(tree_root, ".git"), exist_ok=True)
    cases = pick_cases(tree_root, rng, taken)
    for c in cases:
        delete(tree_root, c)
    ruff = subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--select", "F821",
                           "--output-format", "json", "--exit-zero", tree_root],
                          capture_output=True, text=True)
    flagged = {(os.path.relpath(f["filename"], tree_root), f["message"].split("`")[1])
               for f in json.loads(ruff.stdout or "[]")
               if f["code"] == "F821" and f["message"].count("`") >= 2}
    cases = [c for c in cases if (c["file"], c["name"]) in flagged][:want]
    base = baseline(tree_root, cases)
    out = subprocess.run([CF, "report", "import-suggestions", "--format", "json", "--path",
                          tree_root, "--db", os.path.join(scratch, f"{label}-{len(taken)}.db")],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        sys.exit(2)
    # A relative import names a file, not a module name: its expected module is the name the
    # index gives that file (`examples/tutorial/flaskr/db.py` is `flaskr.db` when the project
    # imports it so), not the folder path from the project's top.
    modules = dict(sqlite3.connect(os.path.join(scratch, f"{label}-{len(taken)}.db"))
                   .execute("SELECT path, module FROM files WHERE module IS NOT NULL"))
    for c in cases:
        if c["relative"]:
            target = relative_target(c["file"], c["node"], modules)
            if target is not None:
                c["module"] = target
    rows = {}
    for r in json.loads(out.stdout):
        rows.setdefault((r["file"], r["symbol"]), r)
    for c in cases:
        c["row"] = rows.get((c["file"], c["name"]))
        c["baseline"] = base[id(c)]
    shutil.rmtree(tree_root, ignore_errors=True)
    return cases


def run_project(label, src, scratch, rng):
    # Small projects have fewer files with an eligible binding than CASES: further rounds, each
    # on a fresh copy, delete another binding of the same files (never the same one twice).
    cases, taken = [], set()
    for _ in range(ROUNDS):
        more = run_round(label, src, scratch, rng, taken, CASES - len(cases))
        if not more:
            break
        cases.extend(more)
        taken |= {(c["file"], c["name"]) for c in more}
        if len(cases) >= CASES:
            break
    tree_root = src
    first_party = {module_of(c["file"]).split(".")[0] for c in cases} | {
        d for d in os.listdir(tree_root) if os.path.isdir(os.path.join(tree_root, d))}
    first_party |= {d for d in os.listdir(os.path.join(tree_root, "src"))} if os.path.isdir(
        os.path.join(tree_root, "src")) else set()
    results = []
    for c in cases:
        want = expected_key(c)
        r = c["row"]
        alts = json.loads(r["alternatives"]) if r else []
        ranked = [parse_line(a["import_line"]) for a in alts]
        rank = next((i + 1 for i, g in enumerate(ranked) if equivalent(g, want)), None)
        if os.environ.get("SHOW_MISSES") and not (ranked and ranked[0] == want):
            what = "INEXACT" if ranked and equivalent(ranked[0], want) else "MISS"
            print(f"{what} {label} {c['file']} {c['name']}: want {want}, got "
                  f"{alts[:2] if alts else r and r['reason']}", file=sys.stderr)
        results.append({
            "kind": "first-party" if c["relative"] else kind_of(want[0], first_party),
            "covered": bool(ranked),
            "exact": bool(ranked) and ranked[0] == want,
            "equivalent": bool(ranked) and equivalent(ranked[0], want),
            "top3": rank is not None and rank <= 3,
            "rr": 1.0 / rank if rank else 0.0,
            "confidence": alts[0]["confidence"] if alts else 0.0,
            "baseline": c["baseline"] == want,
        })
    return results


def table(results):
    def pct(xs):
        return f"{100.0 * sum(xs) / len(xs):5.1f}%" if xs else "    -"
    lines = ["| kind | cases | coverage | top-1 exact | top-1 equiv. | top-3 | MRR | baseline top-1 |",
             "|---|---|---|---|---|---|---|---|"]
    for kind in ["first-party", "stdlib", "third-party", "all"]:
        rs = [r for r in results if kind == "all" or r["kind"] == kind]
        if not rs:
            continue
        mrr = sum(r["rr"] for r in rs) / len(rs)
        lines.append(f"| {kind} | {len(rs)} | {pct([r['covered'] for r in rs])} | "
                     f"{pct([r['exact'] for r in rs])} | {pct([r['equivalent'] for r in rs])} | "
                     f"{pct([r['top3'] for r in rs])} | {mrr:.3f} | {pct([r['baseline'] for r in rs])} |")
    lines.append("")
    lines.append("| confidence >= | suggestions | right (equivalent) | right (exact) |")
    lines.append("|---|---|---|---|")
    for t in [0.9, 0.7, 0.5, 0.3, 0.0]:
        rs = [r for r in results if r["covered"] and r["confidence"] >= t]
        lines.append(f"| {t} | {len(rs)} | {pct([r['equivalent'] for r in rs])} | "
                     f"{pct([r['exact'] for r in rs])} |")
    return "\n".join(lines)


def main():
    if not os.path.exists(CF):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "codefacts"],
                       cwd=ROOT, check=True)
    scratch = tempfile.mkdtemp(prefix="codefacts-suggest-")
    rng = random.Random(SEED)
    everything = []
    sources = [(spec.split("==")[0], spec) for spec in PROJECTS]
    sources.append(("stdlib", None))
    for label, spec in sources:
        src = sysconfig.get_paths()["stdlib"] if spec is None else fetch(spec, scratch)
        results = run_project(label, src, scratch, rng)
        everything.extend(results)
        print(f"\n## {label} ({len(results)} cases)\n\n{table(results)}")
    print(f"\n## all projects ({len(everything)} cases)\n\n{table(everything)}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
