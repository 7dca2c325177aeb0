#!/usr/bin/env python3
"""The timing half of scripts/bench.sh: runs each step RUNS times, prints medians and ratios."""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TREE, RUNS = sys.argv[1], int(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CF = os.path.join(ROOT, "target/release/codefacts")
PARSE_ONLY = os.path.join(ROOT, "target/release/examples/parse_only")
RUFF = shutil.which("ruff")


def run_once(cmd, ok=(0,)):
    """Wall time (s) and peak RSS (MB) of one run of cmd. Dirty pages left by earlier steps (a
    database just written) are flushed first, untimed, so no run pays for another's writeback."""
    os.sync()
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"{' '.join(cmd)} failed with exit code {code}")
    return elapsed, usage.ru_maxrss / 1024


def timed(cmd, before=None, ok=(0,)):
    """Median wall time of RUNS runs of cmd (before() runs untimed first), and peak RSS (MB)."""
    times, peak = [], 0
    for _ in range(RUNS):
        if before:
            before()
        t, rss = run_once(cmd, ok)
        times.append(t)
        peak = max(peak, rss)
    return statistics.median(times), peak


def interleaved(steps):
    """Runs the (cmd, before) steps round-robin RUNS times, so that a machine whose speed
    drifts slows them alike. Per step: median time, peak RSS, and the times of each round."""
    times = [[] for _ in steps]
    peaks = [0.0 for _ in steps]
    for _ in range(RUNS):
        for i, (cmd, before) in enumerate(steps):
            if before:
                before()
            t, rss = run_once(cmd)
            times[i].append(t)
            peaks[i] = max(peaks[i], rss)
    return [(statistics.median(ts), peak, ts) for ts, peak in zip(times, peaks)]


def main():
    scratch = tempfile.mkdtemp(prefix="codefacts-bench-")
    tree = os.path.join(scratch, "tree")
    # Copy the .py/.pyi files only (what both tools read), minus site-packages.
    shutil.copytree(TREE, tree, ignore=lambda d, names: [
        n for n in names
        if n in ("site-packages", "__pycache__")
        or (os.path.isfile(os.path.join(d, n)) and not n.endswith((".py", ".pyi")))
    ])
    db = os.path.join(scratch, "facts.db")
    files = sum(1 for _, _, fs in os.walk(tree) for f in fs if f.endswith((".py", ".pyi")))
    edit_target = os.path.join(tree, "os.py") if os.path.exists(os.path.join(tree, "os.py")) else None
    if edit_target is None:
        edit_target = next(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs if f.endswith(".py"))
    counter = [0]

    def rm_db():
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(db + suffix)
            except FileNotFoundError:
                pass

    def edit_one():
        counter[0] += 1
        with open(edit_target, "a", encoding="utf-8") as fh:
            fh.write(f"\n_bench_edit_{counter[0]} = {counter[0]}\n")

    rows = []
    print(f"tree: {TREE} ({files} Python files), {RUNS} runs each, {os.cpu_count()} cores", flush=True)
    rules = "F821,F401,F811,F706,TID252"
    # Concise output on both sides, so that both do the same work (Ruff 0.17 and codefacts
    # default to `full`, which reads every file with a finding again to draw its snippet).
    check_cmd = [CF, "check", "--root", tree, "--db", db, "--select", rules, "--exit-zero",
                 "--output-format", "concise"]
    # The floor, the cold index and the cold check run round-robin: their ratios are what the
    # targets are about, and this machine's speed may drift between rounds.
    (parse, parse_rss, parse_ts), (cold, cold_rss, cold_ts), (check_cold, check_cold_rss, check_ts) = \
        interleaved([
            ([PARSE_ONLY, tree], None),
            ([CF, "index", tree, "--db", db, "--quiet"], rm_db),
            (check_cmd, rm_db),
        ])
    rows.append(("tree-sitter parse only (floor)", parse, parse_rss))
    rows.append(("codefacts index, cold (fact base)", cold, cold_rss))
    subprocess.run([CF, "index", tree, "--db", db, "--quiet"], check=True)
    noop, noop_rss = timed([CF, "index", tree, "--db", db, "--quiet"])
    rows.append(("codefacts index, nothing changed", noop, noop_rss))
    one, one_rss = timed([CF, "index", tree, "--db", db, "--quiet"], before=edit_one)
    rows.append(("codefacts index, one file edited", one, one_rss))
    rows.append(("codefacts check, cold (no database)", check_cold, check_cold_rss))
    subprocess.run(check_cmd, check=True, stdout=subprocess.DEVNULL)
    check_warm, check_warm_rss = timed(check_cmd)
    rows.append(("codefacts check, nothing changed", check_warm, check_warm_rss))
    check_one, check_one_rss = timed(check_cmd, before=edit_one)
    rows.append(("codefacts check, one file edited", check_one, check_one_rss))
    # The pre-commit case: the semantic layer exists (check ran), one file changes.
    sem_one, sem_one_rss = timed([CF, "index", tree, "--db", db, "--quiet"], before=edit_one)
    rows.append(("codefacts index, one file edited (semantic layer kept)", sem_one, sem_one_rss))
    ruff_check, ruff_rss = timed(
        [RUFF, "check", "--no-cache", "--isolated", "--select", rules,
         "--output-format", "concise", "--exit-zero", tree])
    rows.append((f"ruff check --no-cache ({rules})", ruff_check, ruff_rss))
    cache_dir = os.path.join(scratch, "ruff-cache")
    ruff_cached_cmd = [RUFF, "check", "--isolated", "--cache-dir", cache_dir, "--select", rules,
                       "--output-format", "concise", "--exit-zero", tree]
    subprocess.run(ruff_cached_cmd, stdout=subprocess.DEVNULL, check=True)
    ruff_cached, ruff_cached_rss = timed(ruff_cached_cmd)
    rows.append(("ruff check, cached, nothing changed", ruff_cached, ruff_cached_rss))
    graph, graph_rss = timed([RUFF, "analyze", "graph", "--isolated", tree])
    rows.append(("ruff analyze graph", graph, graph_rss))

    print("\nper round (ms): floor / cold index / cold check")
    for p, c, k in zip(parse_ts, cold_ts, check_ts):
        print(f"  {p * 1000:6.0f} {c * 1000:6.0f} {k * 1000:6.0f}")
    w = max(len(r[0]) for r in rows)
    print(f"\n{'step'.ljust(w)}  {'median':>9}  {'peak RSS':>9}")
    for name, t, rss in rows:
        print(f"{name.ljust(w)}  {t * 1000:7.0f}ms  {rss:7.0f}MB")
    print("\nratios:")
    per_round = statistics.median(c / p for c, p in zip(cold_ts, parse_ts))
    print(f"  cold index / parse-only floor       {cold / parse:6.2f}x   (target <= 1.2x; "
          f"median of per-round ratios {per_round:.2f}x; fastest runs {min(cold_ts) / min(parse_ts):.2f}x)")
    print(f"  cold index / ruff check --no-cache  {cold / ruff_check:6.2f}x")
    print(f"  cold index / ruff analyze graph     {cold / graph:6.2f}x")
    print(f"  no-op re-index                      {noop * 1000:6.0f}ms  (target <= 60 ms)")
    print(f"  one-file re-index                   {one * 1000:6.0f}ms  (target <= 120 ms)")
    print(f"  one-file re-index, semantic layer   {sem_one * 1000:6.0f}ms  (target <= 120 ms)")
    print(f"  no-op re-index / ruff analyze graph {noop / graph:6.2f}x")
    per_round = statistics.median(c / i for c, i in zip(check_ts, cold_ts))
    print(f"  check cold / cold index             {check_cold / cold:6.2f}x   (target <= 1.3x; "
          f"median of per-round ratios {per_round:.2f}x; fastest runs {min(check_ts) / min(cold_ts):.2f}x)")
    print(f"  check cold / parse-only floor       {check_cold / parse:6.2f}x")
    print(f"  check cold / ruff check --no-cache  {check_cold / ruff_check:6.2f}x")
    print(f"  check, nothing changed              {check_warm * 1000:6.0f}ms  (target <= 80 ms)")
    print(f"  check, nothing changed / ruff cached {check_warm / ruff_cached:5.2f}x")
    print(f"  check, one file edited              {check_one * 1000:6.0f}ms")
    shutil.rmtree(scratch)
    reports()


def reports():
    """The graph reports on a generated 10,000-module monorepo (../shared/tools/gen_monorepo.py
    --packages 400 --modules 25), index up to date: each must take <= 300 ms end to end; and
    what the derived relations add to a re-index that changes an edge, and one that does not."""
    gen = os.path.join(ROOT, "..", "shared", "tools", "gen_monorepo.py")
    if os.environ.get("BENCH_REPORTS", "1") == "0" or not os.path.exists(gen):
        print("\n(graph reports not timed: no ../shared/tools/gen_monorepo.py, or BENCH_REPORTS=0)")
        return
    scratch = tempfile.mkdtemp(prefix="codefacts-bench-reports-")
    tree = os.path.join(scratch, "mono")
    subprocess.run([sys.executable, gen, "--packages", "400", "--modules", "25", tree],
                   check=True, stdout=subprocess.DEVNULL)
    os.makedirs(os.path.join(tree, ".git"))
    db = os.path.join(scratch, "facts.db")
    subprocess.run([CF, "index", tree, "--db", db, "--quiet"], check=True)
    base = [CF, "report", "--path", tree, "--db", db, "--no-index"]
    # A module of the generated tree that is on a planted cycle (it has dependents).
    first_ring = sorted(
        os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(tree, "core"))
        for f in fs if f.startswith("ring") and f.endswith(".py"))[0]
    ring_module = os.path.relpath(first_ring, tree)[:-3].replace(os.sep, ".")
    cases = [
        ("cycles (eager)", ["cycles"]),
        ("cycles (all)", ["cycles", "-p", "graph=all"]),
        ("cycles --format mermaid", ["cycles", "--format", "mermaid"]),
        ("import-graph", ["import-graph"]),
        ("import-graph --format dot", ["import-graph", "--format", "dot"]),
        ("dependencies", ["dependencies", "-p", f"module={ring_module}"]),
        ("dependents (all)", ["dependents", "-p", f"module={ring_module}", "-p", "graph=all"]),
        ("cycles, package level", ["cycles", "-p", "level=package"]),
        ("import-graph, package level", ["import-graph", "-p", "level=package"]),
        ("import-map --format csv", ["import-map", "--format", "csv"]),
        ("import-map --format json", ["import-map", "--format", "json"]),
        ("heatmap (star,owner)", ["heatmap", "--format", "md"]),
        ("heatmap by=dir depth=2", ["heatmap", "-p", "by=dir", "-p", "depth=2", "--format", "md"]),
        ("lanes", ["lanes"]),
        ("import-suggestions", ["import-suggestions"]),
        ("f821-offenders (target <= 100 ms)", ["f821-offenders"]),
    ]
    # Ruff's findings on the same tree, from a real Ruff run, ingested (and counted by the
    # heatmap and lanes): every rule, so there are more than 50,000.
    ruff_json = os.path.join(scratch, "ruff.json")
    with open(ruff_json, "w") as fh:
        subprocess.run(["ruff", "check", "--no-cache", "--select", "ALL", "--exit-zero",
                        "--output-format", "json", tree], stdout=fh, check=True,
                       stderr=subprocess.DEVNULL)
    with open(ruff_json) as fh:
        found = json.load(fh)
    ruff_50k = os.path.join(scratch, "ruff-50k.json")
    with open(ruff_50k, "w") as fh:
        json.dump(found[:50000], fh)
    t, rss = timed([CF, "ingest", "ruff", ruff_50k, "--path", tree, "--db", db, "--no-index"])
    print(f"\n  ingest ruff, {min(len(found), 50000)} findings    {t * 1000:7.0f}ms  {rss:5.0f}MB  "
          f"(target <= 1 s; the heatmap and lanes below count them)")
    # codefacts' own findings, stored once (the timed runs use --no-index and find them current).
    subprocess.run([CF, "report", "lanes", "--path", tree, "--db", db], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"\nreports on the generated monorepo ({RUNS} runs each), target <= 300 ms:")
    for name, args in cases:
        t, rss = timed(base + args)
        print(f"  report {name:28} {t * 1000:7.0f}ms  {rss:5.0f}MB")
    common = ["--path", tree, "--db", db, "--no-index"]
    subprocess.run([CF, "ratchet", "--init", "--baseline", os.path.join(scratch, "baseline.json")]
                   + common, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t, rss = timed([CF, "ratchet", "--baseline", os.path.join(scratch, "baseline.json")] + common)
    print(f"  ratchet                             {t * 1000:7.0f}ms  {rss:5.0f}MB  (target <= 400 ms)")
    t, rss = timed([CF, "health", "--out-md", os.path.join(scratch, "health.md"),
                    "--out-json", os.path.join(scratch, "health.json")] + common)
    print(f"  health                              {t * 1000:7.0f}ms  {rss:5.0f}MB  (target <= 1 s)")
    victim = sorted(
        os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(tree, "core"))
        for f in fs if f.startswith("ring") and f.endswith(".py"))[0]
    original = open(victim).read()
    flip = [False]

    def edit_body():
        with open(victim, "w") as fh:
            fh.write(original + ("# a\n" if flip[0] else "# b\n"))
        flip[0] = not flip[0]

    # A module the victim does not import yet, in another lane.
    other = sorted(
        os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(tree, "labs"))
        for f in fs if f.startswith("ring") and f.endswith(".py"))[-1]
    other_module = os.path.relpath(other, tree)[:-3].replace(os.sep, ".")

    def edit_edge():
        with open(victim, "w") as fh:
            fh.write(original + (f"import {other_module}\n" if flip[0] else ""))
        flip[0] = not flip[0]

    index = [CF, "index", tree, "--db", db, "--quiet"]
    body, _ = timed(index, before=edit_body)
    edge, _ = timed(index, before=edit_edge)
    print(f"  re-index, an edit that changes no import  {body * 1000:6.0f}ms")
    print(f"  re-index, an edit that changes an edge    {edge * 1000:6.0f}ms  "
          f"(the derived relations: <= 100 ms more than the line above)")
    with open(victim, "w") as fh:
        fh.write(original)
    fixes(tree, db, scratch)
    shutil.rmtree(scratch)
    precommit(gen)


def fixes(tree, db, scratch):
    """`fix relative-imports` on the generated monorepo (every relative import flagged: its
    configuration bans them all): the diff, then `--apply` with its re-index beside Ruff's own
    fix (`--select TID252 --fix --unsafe-fixes`), interleaved.

    Each `--apply` round (and each Ruff round) runs on a fresh copy of the pristine tree at a new
    path, with a copy of the index made for it (the index keeps root-relative paths, so it is
    current there). Nothing is deleted until the end: on ext4 without a journal (this kind of
    VM), creating a file skips every inode of its group freed in the last 12 hours
    (`vm.dirtytime_expire_seconds`), so a restore by `rmtree` + `copytree` right before each run
    made every temporary file of the atomic writes slow to create (0.5 to 1.5 s more, growing
    with every round), which is the benchmark's doing, not the fix's."""
    subprocess.run([CF, "index", tree, "--db", db, "--quiet", "--semantic"], check=True)
    pristine = os.path.join(scratch, "pristine")
    shutil.copytree(tree, pristine, symlinks=True)
    shutil.copy2(db, os.path.join(scratch, "pristine.db"))
    fix = [CF, "fix", "relative-imports", "--root", tree, "--db", db]
    t, rss = timed(fix, ok=(0, 1))
    print(f"  fix relative-imports (diff)          {t * 1000:7.0f}ms  {rss:5.0f}MB  (target <= 500 ms)")
    rounds = os.path.join(scratch, "fix-rounds")
    os.mkdir(rounds)
    ours, ruffs, writes = [], [], []
    for r in range(RUNS):
        copy = os.path.join(rounds, f"cf-{r}")
        shutil.copytree(pristine, copy, symlinks=True)
        shutil.copy2(os.path.join(scratch, "pristine.db"), copy + ".db")
        os.sync()
        start = time.perf_counter()
        p = subprocess.run([CF, "fix", "relative-imports", "--root", copy, "--db", copy + ".db",
                            "--apply"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, env=dict(os.environ, CODEFACTS_TIMINGS="1"), check=True)
        ours.append(time.perf_counter() - start)
        marks = dict(re.findall(r"timing: fix: (checked every file's result|written) at "
                                r"([0-9.]+) ms", p.stderr))
        writes.append(float(marks["written"]) - float(marks["checked every file's result"]))
        copy = os.path.join(rounds, f"ruff-{r}")
        shutil.copytree(pristine, copy, symlinks=True)
        t, _ = run_once([RUFF, "check", "--no-cache", "--quiet", "--exit-zero", "--select",
                         "TID252", "--fix", "--unsafe-fixes", copy])
        ruffs.append(t)
    ours_m, ruff_m = statistics.median(ours), statistics.median(ruffs)
    print(f"  fix relative-imports --apply         {ours_m * 1000:7.0f}ms          "
          f"(target <= 2 s, with the re-index; rounds "
          f"{', '.join(f'{x * 1000:.0f}' for x in ours)} ms)")
    print(f"    of which writing the files (temporary file, rename, read back) "
          f"{statistics.median(writes):.0f} ms (rounds {', '.join(f'{w:.0f}' for w in writes)})")
    print(f"    ruff --select TID252 --fix --unsafe-fixes {ruff_m * 1000:6.0f}ms  "
          f"(ratio {ours_m / ruff_m:.1f}x; it writes in place and keeps no index)")
    shutil.rmtree(rounds)


def git(repo, *args):
    subprocess.run(["git", "-C", repo, "-c", "user.email=b@example.com", "-c", "user.name=b",
                    "-c", "commit.gpgsign=false", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def precommit(gen):
    """Issue 13's scenarios on the generated 10,000-module monorepo, committed to git, Ruff side
    by side: `check --files` with 5 changed files, the pre-commit hook end to end, the CI run
    on a fresh clone with the index (and Ruff's cache) restored, and `check --since`."""
    scratch = tempfile.mkdtemp(prefix="codefacts-bench-hooks-")
    repo = os.path.join(scratch, "mono")
    subprocess.run([sys.executable, gen, "--packages", "400", "--modules", "25", repo],
                   check=True, stdout=subprocess.DEVNULL)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated")
    py = sorted(os.path.relpath(os.path.join(d, f), repo)
                for d, _, fs in os.walk(repo) if ".git" not in d
                for f in fs if f.endswith(".py"))
    five = py[1000:1005]
    originals = {f: open(os.path.join(repo, f)).read() for f in five}
    counter = [0]

    def edit_five(root=repo):
        counter[0] += 1
        for f in five:
            with open(os.path.join(root, f), "w") as fh:
                fh.write(originals[f] + f"# edit {counter[0]}\n")

    subprocess.run([CF, "check", "-q", "--exit-zero"], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([RUFF, "check", "-q", "--exit-zero", "."], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def in_repo(cmd):
        return ["sh", "-c", 'cd "$0" && exec "$@"', repo, *cmd]

    print(f"\npre-commit and CI on the generated monorepo ({len(py)} Python files, in git; "
          f"{RUNS} rounds, interleaved):")
    steps = interleaved([
        (in_repo([CF, "check", "-q", "--exit-zero", "--files", *five]), edit_five),
        (in_repo([RUFF, "check", "-q", "--exit-zero", *five]), edit_five),
    ])
    (cf, _, _), (rf, _, _) = steps
    print(f"  check --files, 5 changed files      {cf * 1000:7.0f}ms   ruff check on them "
          f"{rf * 1000:5.0f}ms   ratio {cf / rf:.2f}x (target <= 2x)")

    def edit_imports():
        # Each round a new import in each file: the module index is needed to resolve it.
        counter[0] += 1
        for f in five:
            with open(os.path.join(repo, f), "w") as fh:
                fh.write(originals[f] + f"import json as json_{counter[0]}\n")

    steps = interleaved([
        (in_repo([CF, "check", "-q", "--exit-zero", "--files", *five]), edit_imports),
        (in_repo([RUFF, "check", "-q", "--exit-zero", *five]), edit_imports),
    ])
    (cf, _, _), (rf, _, _) = steps
    print(f"  the same, a new import in each file {cf * 1000:7.0f}ms   ruff check on them "
          f"{rf * 1000:5.0f}ms   ratio {cf / rf:.2f}x")

    # The hook end to end: pre-commit's own overhead included, both as `language: system`
    # hooks of one configuration (Ruff's published hook runs the same `ruff check`).
    venv = os.path.join(scratch, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "pre-commit>=3,<5"],
                   check=True)
    pre_commit = os.path.join(venv, "bin", "pre-commit")
    with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as fh:
        fh.write(f"""repos:
  - repo: local
    hooks:
      - id: codefacts
        name: codefacts check
        entry: {CF} check --force-exclude --files
        language: system
        types_or: [python, pyi]
        require_serial: true
      - id: ruff
        name: ruff check
        entry: {RUFF} check --force-exclude
        language: system
        types_or: [python, pyi]
        require_serial: true
""")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "hooks")
    # Both hooks pass on these files (their findings are not staged into the timing).
    clean = [f for f in py[2000:2100]
             if subprocess.run([RUFF, "check", "-q", f], cwd=repo,
                               stdout=subprocess.DEVNULL).returncode == 0][:5]
    clean_originals = {f: open(os.path.join(repo, f)).read() for f in clean}

    def stage_clean():
        counter[0] += 1
        for f in clean:
            with open(os.path.join(repo, f), "w") as fh:
                fh.write(clean_originals[f] + f"# edit {counter[0]}\n")
        git(repo, "add", *clean)

    steps = interleaved([
        (in_repo([pre_commit, "run", "codefacts"]), stage_clean),
        (in_repo([pre_commit, "run", "ruff"]), stage_clean),
    ])
    (cf, _, _), (rf, _, _) = steps
    print(f"  pre-commit hook, 5 staged files     {cf * 1000:7.0f}ms   ruff's hook "
          f"{rf * 1000:5.0f}ms   difference {(cf - rf) * 1000:+.0f} ms (target <= +50 ms)")
    git(repo, "checkout", "-q", "HEAD", "--", *clean)
    for f in five:
        with open(os.path.join(repo, f), "w") as fh:
            fh.write(originals[f])

    # CI on a fresh clone: every mtime is new; the index and Ruff's cache, built on the
    # commit, are restored; 5 files change; then a whole-repository check.
    subprocess.run([CF, "check", "-q", "--exit-zero"], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([RUFF, "check", "-q", "--exit-zero", "."], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clone = os.path.join(scratch, "clone")

    def fresh_clone():
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", repo, clone], check=True)
        shutil.copytree(os.path.join(repo, ".codefacts"), os.path.join(clone, ".codefacts"))
        shutil.copytree(os.path.join(repo, ".ruff_cache"), os.path.join(clone, ".ruff_cache"))
        edit_five(clone)

    def in_clone(cmd):
        return ["sh", "-c", 'cd "$0" && exec "$@"', clone, *cmd]

    steps = interleaved([
        (in_clone([CF, "check", "-q", "--exit-zero"]), fresh_clone),
        (in_clone([RUFF, "check", "-q", "--exit-zero", "."]), fresh_clone),
    ])
    (cf, _, _), (rf, _, _) = steps
    print(f"  fresh clone, cache restored, 5 edits {cf * 1000:6.0f}ms   ruff check "
          f"{rf * 1000:5.0f}ms   ratio {cf / rf:.2f}x (target <= 300 ms and ahead of Ruff)")

    # check --since: 5 files changed in the work tree since HEAD.
    since, _ = timed(in_repo([CF, "check", "-q", "--exit-zero", "--since", "HEAD"]),
                     before=edit_five)
    print(f"  check --since HEAD, 5 changed files  {since * 1000:6.0f}ms   (target <= 500 ms)")
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
