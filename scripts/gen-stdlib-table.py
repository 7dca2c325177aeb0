#!/usr/bin/env python3
"""Generates the table of src/resolve/stdlib.rs: top-level standard-library module names of
Python 3.8..=3.14 with the first and last minor version each exists in.

Needs the pyenv interpreters 3.8–3.13 (see PYENV below). 3.10+ report `sys.stdlib_module_names`;
for 3.8 and 3.9 (which lack it) the list is rebuilt the way CPython's generator does it: the
built-in modules, `Lib/*.py`, `Lib/<package>/` and `lib-dynload` extension modules, minus the test
modules (`_test*`, `xx*`, `_xx*`, `_ctypes_test`, `__phello__`, `test`) and the build-specific
`_sysconfigdata_*`, plus the Windows/macOS-only modules this Linux build lacks. Python 3.14 is not
installed: its additions over 3.13 are listed by hand (PY314_ADDED, from the 3.14 changelog); it
removed no top-level module.

Usage: scripts/gen-stdlib-table.py > /tmp/table.rs   (then paste into src/resolve/stdlib.rs)
"""
import os
import subprocess

PYENV = os.path.expanduser("~/.pyenv/versions")
VERSIONS = {8: "3.8.18", 9: "3.9.18", 10: "3.10.13", 11: "3.11.7", 12: "3.12.1", 13: "3.13.0"}
PY314_ADDED = {"annotationlib", "compression", "_hmac", "_zstd", "_remote_debugging", "_apple_support"}
# Present in every 3.8/3.9 on some platform, absent from a Linux build's directory listing.
PLATFORM_ONLY = {
    "_msi", "msilib", "msvcrt", "nt", "winreg", "winsound", "_winapi", "_overlapped", "_scproxy",
    "_dbm", "_gdbm", "_frozen_importlib", "_frozen_importlib_external", "idlelib",
}

OLD = r'''
import sys, os, sysconfig
names = set(sys.builtin_module_names)
lib = sysconfig.get_paths()["stdlib"]
for e in os.listdir(lib):
    if e.endswith(".py"):
        names.add(e[:-3])
    elif os.path.isdir(os.path.join(lib, e)) and e.isidentifier() and e != "site-packages":
        names.add(e)
for e in os.listdir(os.path.join(lib, "lib-dynload")):
    names.add(e.split(".")[0])
print("\n".join(sorted(names)))
'''
NEW = 'import sys; print("\\n".join(sorted(sys.stdlib_module_names)))'


def names(minor):
    exe = os.path.join(PYENV, VERSIONS[minor], "bin", "python3")
    out = subprocess.run([exe, "-c", OLD if minor < 10 else NEW], check=True,
                         capture_output=True, text=True).stdout.split()
    if minor < 10:
        skip = ("_test", "xx", "_xx", "_sysconfigdata", "__phello__")
        out = [n for n in out if not n.startswith(skip)
               and n not in ("_ctypes_test", "test", "__pycache__")]
        out += PLATFORM_ONLY
    return set(out)


def main():
    per = {m: names(m) for m in VERSIONS}
    per[14] = per[13] | PY314_ADDED
    allnames = sorted(set().union(*per.values()))
    for n in allnames:
        present = [m for m in range(8, 15) if n in per[m]]
        lo, hi = present[0], present[-1]
        assert present == list(range(lo, hi + 1)), (n, present)
        print(f'    ("{n}", {lo}, {hi}),')


if __name__ == "__main__":
    main()
