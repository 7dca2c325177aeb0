#!/usr/bin/env python3
"""Measures `codefacts report import-suggestions` on real code (issue: import suggestions).

For each project (pure-Python sdists fetched with `pip download`, plus this machine's standard
library), with a fixed seed: pick module-level import bindings whose name the file uses (one
per file, at most CASES per project; only that name from a multi-name statement; `from`,
`import`, aliased and relative imports alike), delete them all, keep a case only when `ruff
check --select F821` (with the project's configuration: its exclusions and per-file-ignores
apply to both tools) then reports F821 for that name in that file, index the tree and ask
codefacts for suggestions. Scores: coverage, top-1 exact (the same name bound to the same
module; for a relative import, under either name of its file), top-1 equivalent (an import
that binds the same object: followed through the project's source, the standard library asked
of this interpreter; for a third-party module, whose source is not here, the same name from a
package above or below it in the same top-level package), top-3, mean reciprocal rank, and
precision at
each confidence threshold, by kind (first-party, stdlib, third-party), with the baseline "the
most frequent existing import of that name in the project" beside it.

Usage: scripts/bench-suggestions.py [CASES]   (needs ruff 0.17.6 and a release build)
SHOW_MISSES=1 lists what is not exact (DEBUG_ORIGINS=1: with the object each import binds;
SHOW_ALL=1: the exact ones too, with their confidence and reason);
ONLY=attrs,stdlib runs those projects alone (each project draws its cases from its own seed);
PROJECTS=jinja2==3.1.4,httpx==0.27.2 replaces the project list (the standard library stays).
"""
import ast
import contextlib
import importlib
import importlib.util
import io
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
# PROJECTS=jinja2==3.1.4,httpx==0.27.2 measures other projects (ones the ranking was not tuned on).
if os.environ.get("PROJECTS"):
    PROJECTS = [p for p in os.environ["PROJECTS"].split(",") if p]
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


def package_name(root, rel):
    """The module name Ruff and pytest give the file at `rel`: from the top of the chain of
    `__init__` folders it sits in (`examples/tutorial/flaskr/db.py` is `flaskr.db`)."""
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    top = len(parts) - 1
    while top > 0 and os.path.exists(os.path.join(root, *parts[:top], "__init__.py")):
        top -= 1
    return ".".join(parts[top:]) if parts[top:] else None


def relative_target(rel, node, modules):
    """The path and the index's module name of the package or module a relative ImportFrom in
    `rel` loads from, found by its path (None when the index holds no such file)."""
    parts = rel.split("/")[:-1]
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    if node.module:
        parts = parts + node.module.split(".")
    base = "/".join(parts)
    for candidate in (base + ".py", base + ".pyi", base + "/__init__.py", base + "/__init__.pyi"):
        if candidate.lstrip("/") in modules:
            return candidate.lstrip("/"), modules[candidate.lstrip("/")]
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


def binding(key, modules):
    """An import as the binding it makes: `from m import x as x` is `from m import x`, and
    `from a import b as c` is `import a.b as c` where `a.b` is a module (of the project, or
    one this interpreter finds)."""
    module, name, alias = key
    if alias is not None and alias == (name if name is not None else module):
        alias = None
    if name is not None and alias is not None and is_module(f"{module}.{name}", modules):
        return (f"{module}.{name}", None, alias)
    return (module, name, alias)


def is_module(dotted, modules):
    if dotted in modules:
        return True
    if dotted.split(".")[0] not in STDLIB:
        return False
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def exact(got, want, case):
    """The same name bound from the same module (`from m import x as x` binds what `from m
    import x` does; `import a.b as c`, what `from a import b as c` does): for a relative
    import, the module under either name its file has (the index's, or the one Ruff's
    TID252 fix writes)."""
    if got == want:
        return True
    modules = set(case.get("modules", {}).values())
    names = case.get("names", ())
    g = binding(got, modules)
    for m in [want[0], *names]:
        if g == binding((m, want[1], want[2]), modules):
            return True
    return False


def equivalent(got, want, origins=None):
    """Whether the import `got` binds the same object as `want`: followed through the
    re-exports in the project's own source and asked of this interpreter for the standard
    library (`origins`). Where neither can tell (a third-party module, whose source is not at
    hand), the same name from a package above or below it in the same top-level package."""
    if got == want:
        return True
    (gm, gn, ga), (wm, wn, wa) = got, want
    if origins is not None:
        g, w = origins.of_import(got), origins.of_import(want)
        if g[0] != "unknown" and w[0] != "unknown":
            return g == w
    if gn != wn or ga != wa or gn is None:
        return False
    if gm.split(".")[0] != wm.split(".")[0]:
        return False
    return gm.startswith(wm + ".") or wm.startswith(gm + ".")


def version_test(test):
    """What an `if` on `sys.version_info` or `sys.platform` gives on this interpreter (None for
    any other test)."""
    names = {n.id for n in ast.walk(test) if isinstance(n, ast.Name)}
    attrs = {n.attr for n in ast.walk(test) if isinstance(n, ast.Attribute)}
    if names != {"sys"} or not attrs <= {"version_info", "platform"}:
        return None
    try:
        return bool(eval(compile(ast.Expression(test), "<test>", "eval"), {"sys": sys}))
    except Exception:
        return None


def module_body(stmts):
    """The statements that run at a module's top level, through `if`, `try` and `with` (an
    `if` on the Python version: the branch this interpreter takes)."""
    for s in stmts:
        yield s
        if isinstance(s, ast.If) and version_test(s.test) is not None:
            yield from module_body(s.body if version_test(s.test) else s.orelse)
        elif isinstance(s, (ast.If, ast.While, ast.For)):
            yield from module_body(s.body)
            yield from module_body(s.orelse)
        elif isinstance(s, ast.With):
            yield from module_body(s.body)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            yield from module_body(s.body)
            for h in s.handlers:
                yield from module_body(h.body)
            yield from module_body(s.orelse)
            yield from module_body(s.finalbody)


class Origins:
    """What object an import binds: `(module, name)` followed through the re-exports of the
    project's own source (statically, first binding wins), the standard library asked of this
    interpreter, anything else unknown."""

    def __init__(self, root, modules):
        self.root = root
        self.files = {}
        for dp, dns, fns in os.walk(root):
            dns[:] = [d for d in dns if not d.startswith(".") and d != "__pycache__"]
            for f in fns:
                if f.endswith(".py"):
                    rel = os.path.relpath(os.path.join(dp, f), root)
                    self.files.setdefault(module_of(rel), rel)
        # The names Ruff and pytest give a file (`flaskr.db`), where only one file has it.
        by_package_name = {}
        for rel in set(self.files.values()):
            by_package_name.setdefault(package_name(root, rel), []).append(rel)
        for name, rels in by_package_name.items():
            if name and len(rels) == 1:
                self.files.setdefault(name, rels[0])
        # The index's names win (of the files Python runs: not a stub).
        self.files.update({m: p for p, m in modules.items() if p.endswith(".py")})
        self.trees = {}
        self.keep = []

    def tree(self, rel):
        if rel not in self.trees:
            try:
                self.trees[rel] = ast.parse(open(os.path.join(self.root, rel),
                                                 encoding="utf-8").read())
            except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
                self.trees[rel] = None
        return self.trees[rel]

    def of_import(self, key):
        module, name, alias = key
        if name is None:
            return self.module(module if alias else module.split(".")[0])
        return self.of(module, name)

    def module(self, module):
        if module in self.files:
            return ("file", self.files[module])
        if module.split(".")[0] in STDLIB:
            return self.interpreter(module, None)
        return ("unknown", module)

    def of(self, module, name, depth=0):
        if module in self.files:
            found = self.lookup(module, name, depth)
            if found is not None:
                return found
            if module + "." + name in self.files:
                return ("file", self.files[module + "." + name])
            return ("def", self.files[module], name)
        if module.split(".")[0] in STDLIB:
            return self.interpreter(module, name)
        return ("unknown", module, name)

    def lookup(self, module, name, depth):
        """The origin of what `module` (a project file) binds to `name` at its top level, or
        None when it binds nothing of that name."""
        rel = self.files[module]
        tree = self.tree(rel)
        if tree is None or depth > 30:
            return None
        stars = []
        for s in module_body(tree.body):
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if s.name == name:
                    return ("def", rel, name)
            elif isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = s.targets if isinstance(s, ast.Assign) else [s.target]
                names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                if name in names:
                    return ("def", rel, name)
            elif isinstance(s, ast.ImportFrom):
                source = absolute(s, rel)
                for a in s.names:
                    if a.name == "*":
                        stars.append(source)
                    elif (a.asname or a.name) == name and source:
                        return self.of(source, a.name, depth + 1)
            elif isinstance(s, ast.Import):
                for a in s.names:
                    if a.asname == name:
                        return self.module(a.name)
                    if not a.asname and a.name.split(".")[0] == name:
                        return self.module(name)
        for source in stars:
            if source in self.files:
                found = self.lookup(source, name, depth + 1)
                if found is not None:
                    return found
            elif source and source.split(".")[0] in STDLIB:
                found = self.interpreter(source, name)
                if found[0] == "py":
                    return found
        return None

    def interpreter(self, module, name):
        if module.split(".")[0] in ("antigravity", "this", "idlelib", "turtledemo"):
            return ("unknown", module, name)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                obj = importlib.import_module(module)
                if name is not None:
                    obj = (getattr(obj, name) if hasattr(obj, name)
                           else importlib.import_module(module + "." + name))
        except BaseException:  # a module this platform lacks, or one that exits on import
            return ("unknown", module, name)
        self.keep.append(obj)
        return ("py", id(obj))


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
    # Ruff as the project's users run it: its configuration's exclusions and per-file-ignores
    # apply (werkzeug excludes examples/), as they do to codefacts' report. --no-fix: a
    # configuration may say `fix = true` (werkzeug's does).
    ruff = subprocess.run(["ruff", "check", "--no-cache", "--no-fix", "--select", "F821",
                           "--output-format", "json", "--exit-zero", "."],
                          capture_output=True, text=True, cwd=tree_root)
    if ruff.returncode != 0:
        print(f"{label}: ruff rejects the project's configuration, so it runs --isolated: "
              f"{ruff.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        ruff = subprocess.run(["ruff", "check", "--no-cache", "--isolated", "--select", "F821",
                               "--output-format", "json", "--exit-zero", "."],
                              capture_output=True, text=True, cwd=tree_root)
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
                c["module"] = target[1]
                # Exact too: the name Ruff's TID252 fix would write (its package root).
                c["names"] = {target[1], package_name(tree_root, target[0])}
    rows = {}
    for r in json.loads(out.stdout):
        rows.setdefault((r["file"], r["symbol"]), r)
    for c in cases:
        c["row"] = rows.get((c["file"], c["name"]))
        c["modules"] = modules
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
    origins = Origins(src, cases[0]["modules"] if cases else {})
    results = []
    for c in cases:
        want = expected_key(c)
        r = c["row"]
        alts = json.loads(r["alternatives"]) if r else []
        ranked = [parse_line(a["import_line"]) for a in alts]
        rank = next((i + 1 for i, g in enumerate(ranked) if equivalent(g, want, origins)), None)
        kind = "first-party" if c["relative"] else kind_of(want[0], first_party)
        if kind == "third-party" and origins.module(want[0])[0] == "file":
            kind = "first-party"  # a project file under its package name (`flaskr.db`)
        if os.environ.get("SHOW_ALL") and ranked and exact(ranked[0], want, c):
            print(f"EXACT {label} {kind} {c['file']} {c['name']}: {alts[0]['confidence']} "
                  f"{alts[0]['reason']}", file=sys.stderr)
        if os.environ.get("SHOW_MISSES") and not (ranked and exact(ranked[0], want, c)):
            if os.environ.get("DEBUG_ORIGINS"):
                got = ranked[0] if ranked else None
                print(f"  binds: {got} -> {got and origins.of_import(got)}; "
                      f"{want} -> {origins.of_import(want)}", file=sys.stderr)
            what = "INEXACT" if ranked and equivalent(ranked[0], want, origins) else "MISS"
            print(f"{what} {label} {kind} {c['file']} {c['name']}: want {want}, got "
                  f"{alts[:2] if alts else r and r['reason']}", file=sys.stderr)
        results.append({
            "kind": kind,
            "covered": bool(ranked),
            "exact": bool(ranked) and exact(ranked[0], want, c),
            "equivalent": bool(ranked) and equivalent(ranked[0], want, origins),
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
    everything = []
    sources = [(spec.split("==")[0], spec) for spec in PROJECTS]
    sources.append(("stdlib", None))
    # ONLY=attrs,stdlib runs those alone (to look into one project's misses).
    if os.environ.get("ONLY"):
        sources = [s for s in sources if s[0] in os.environ["ONLY"].split(",")]
    for label, spec in sources:
        src = sysconfig.get_paths()["stdlib"] if spec is None else fetch(spec, scratch)
        # One generator per project: a project's cases do not depend on which others run.
        results = run_project(label, src, scratch, random.Random(f"{SEED}:{label}"))
        everything.extend(results)
        print(f"\n## {label} ({len(results)} cases)\n\n{table(results)}")
    print(f"\n## all projects ({len(everything)} cases)\n\n{table(everything)}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
