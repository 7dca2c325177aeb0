#!/usr/bin/env python3
"""Generates src/suggest/stdlib_exports.tsv (what each standard-library module exports, from
typeshed's stdlib stubs) and src/suggest/import_aliases.tsv (Ruff's conventional import
aliases, ICN001's defaults), the data import suggestions draw on. Not typed by hand.

* Stubs: typeshed as bundled in the `typeshed_client` wheel (pinned below), downloaded with
  `pip download`. For each module in typeshed's VERSIONS that exists in Python 3.14 (the range
  includes it, or is open), the public names of its stub: exactly `__all__` where the stub
  declares it literally; else the top-level classes, functions, assignments, annotated names
  and explicit re-exports (`from m import X as X`, `import m as m`), names starting with `_`
  left out. Conditional definitions (`if sys.version_info >= ...`) count.
* Attributes (src/suggest/stdlib_attributes.tsv): the other public top-level names of a stub
  that declares `__all__` (`logging.root`): attributes a module has though it does not export
  them, for telling whether a module has what the code reads.
* Aliases: `ruff config lint.flake8-import-conventions.aliases` (Ruff 0.17.6).
* File conventions (src/suggest/file_conventions.tsv): the names a file of a given name takes
  from a package by convention. A `setup.py` calls setuptools' `setup`, the packaging
  convention (distutils left the standard library in 3.12): the names of setuptools'
  `__all__`, read from its wheel (pinned below), downloaded with `pip download`.

Usage: scripts/gen-stdlib-exports.py   (writes the four files; run from the checkout)
"""
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

TYPESHED_CLIENT = "typeshed_client==2.7.0"
SETUPTOOLS = "setuptools==80.9.0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "suggest")


def stubs():
    tmp = tempfile.mkdtemp(prefix="typeshed-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
                    TYPESHED_CLIENT], check=True)
    wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
    z = zipfile.ZipFile(wheel)
    prefix = "typeshed_client/typeshed/"
    files = {n[len(prefix):]: z.read(n).decode() for n in z.namelist()
             if n.startswith(prefix) and (n.endswith(".pyi") or n.endswith("VERSIONS"))}
    return files


def setuptools_names():
    """The names of setuptools' `__all__`, from its wheel."""
    tmp = tempfile.mkdtemp(prefix="setuptools-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
                    SETUPTOOLS], check=True)
    wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
    text = zipfile.ZipFile(wheel).read("setuptools/__init__.py").decode()
    names = literal_all(ast.parse(text))
    if not names or "setup" not in names:
        sys.exit(f"no __all__ with setup in {SETUPTOOLS}'s __init__.py")
    return sorted(set(names))


def current_modules(versions_text):
    """Top-level modules (and packages) typeshed says exist in 3.14."""
    out = set()
    for line in versions_text.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        name, rng = line.split(":")
        lo, _, hi = rng.strip().partition("-")
        if hi and hi.strip() and tuple(map(int, hi.strip().split("."))) < (3, 14):
            continue
        out.add(name.strip())
    return out


def literal_all(tree):
    names = None
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            value = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, value = [node.target.id], node.value
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            targets, value = [node.target.id], node.value
        else:
            continue
        if "__all__" in targets and isinstance(value, (ast.List, ast.Tuple)):
            names = (names or []) + [e.value for e in value.elts
                                     if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return names


def walk_top(body):
    """Top-level statements, descending into `if` (version and platform checks) and `try`."""
    for node in body:
        if isinstance(node, ast.If):
            yield from walk_top(node.body)
            yield from walk_top(node.orelse)
        elif isinstance(node, ast.Try):
            yield from walk_top(node.body)
        else:
            yield node


def star_sources(text, mod, is_package):
    """The modules a stub star-imports (`from posixpath import *`), absolute."""
    out = []
    for node in walk_top(ast.parse(text).body):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            if node.level:
                base = mod.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                out.append(".".join(base + ([node.module] if node.module else [])))
            else:
                out.append(node.module)
    return out


def public_names(text, ignore_all=False):
    tree = ast.parse(text)
    declared = None if ignore_all else literal_all(tree)
    if declared is not None:
        return sorted(set(declared))
    names = set()
    for node in walk_top(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.ImportFrom, ast.Import)):
            for a in node.names:
                # Only explicit re-exports count in a stub.
                if a.asname and a.asname == a.name.split(".")[-1] and a.asname == a.name:
                    names.add(a.asname)
        elif hasattr(ast, "TypeAlias") and isinstance(node, ast.TypeAlias):
            names.add(node.name.id)
    return sorted(n for n in names if not n.startswith("_"))


def main():
    files = stubs()
    current = current_modules(files["VERSIONS"])
    rows = []
    exports, stars, attributes = {}, {}, []
    for path, text in sorted(files.items()):
        if not path.endswith(".pyi"):
            continue
        mod = path[:-4].replace("/", ".")
        if mod.endswith(".__init__"):
            mod = mod[: -len(".__init__")]
        top = mod.split(".")[0]
        if top not in current and mod not in current:
            continue
        if any(part.startswith("_") for part in mod.split(".")) and mod not in ("__future__",):
            continue  # private modules: never suggested
        if top in ("typing_extensions", "mypy_extensions"):
            continue  # in typeshed's stdlib folder, but third-party packages
        try:
            names = public_names(text)
            declared = literal_all(ast.parse(text)) is not None
            stars[mod] = [] if declared else star_sources(text, mod, path.endswith("__init__.pyi"))
            if declared:
                attributes.extend(f"{mod}\t{n}" for n in public_names(text, ignore_all=True)
                                  if n not in names and n != "__all__")
        except SyntaxError as e:
            print(f"skipped {path}: {e}", file=sys.stderr)
            continue
        exports[mod] = set(names)
    # Private modules are read too: public modules star-import them (`os.path` from
    # `posixpath`, `collections.abc` from `_collections_abc`).
    for path, text in sorted(files.items()):
        if not path.endswith(".pyi"):
            continue
        mod = path[:-4].replace("/", ".")
        if mod.endswith(".__init__"):
            mod = mod[: -len(".__init__")]
        if mod not in exports:
            try:
                exports.setdefault("~" + mod, set(public_names(text)))
            except SyntaxError:
                pass
    def names_of(m, seen):
        if m in seen:
            return set()
        seen.add(m)
        own = set(exports.get(m, exports.get("~" + m, set())))
        for src in stars.get(m, []):
            own |= {n for n in names_of(src, seen) if not n.startswith("_")}
        return own
    for mod in sorted(m for m in exports if not m.startswith("~")):
        rows.extend(f"{mod}\t{n}" for n in sorted(names_of(mod, set())))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "stdlib_exports.tsv"), "w") as fh:
        fh.write(f"# Generated by scripts/gen-stdlib-exports.py from typeshed ({TYPESHED_CLIENT}); "
                 "do not edit.\n")
        fh.write("\n".join(sorted(set(rows))) + "\n")
    with open(os.path.join(OUT, "stdlib_attributes.tsv"), "w") as fh:
        fh.write(f"# Generated by scripts/gen-stdlib-exports.py from typeshed ({TYPESHED_CLIENT}); "
                 "do not edit.\n# module, a public top-level name its __all__ leaves out\n")
        fh.write("\n".join(sorted(set(attributes))) + "\n")
    raw = subprocess.run(["ruff", "config", "lint.flake8-import-conventions.aliases"],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"Default value: (\{.*?\})", raw)
    aliases = json.loads(m.group(1))
    version = subprocess.run(["ruff", "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(OUT, "import_aliases.tsv"), "w") as fh:
        fh.write(f"# Generated by scripts/gen-stdlib-exports.py from `ruff config "
                 f"lint.flake8-import-conventions.aliases` ({version}); do not edit.\n")
        for module, alias in sorted(aliases.items()):
            fh.write(f"{module}\t{alias}\n")
    conventions = setuptools_names()
    with open(os.path.join(OUT, "file_conventions.tsv"), "w") as fh:
        fh.write(f"# Generated by scripts/gen-stdlib-exports.py from the __all__ of {SETUPTOOLS}; "
                 "do not edit.\n# file name, module, name\n")
        for name in conventions:
            fh.write(f"setup.py\tsetuptools\t{name}\n")
    print(f"{len(rows)} stdlib exports, {len(set(attributes))} further attributes, "
          f"{len(aliases)} aliases, {len(conventions)} file conventions", file=sys.stderr)


if __name__ == "__main__":
    main()
