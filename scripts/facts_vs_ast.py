"""Cross-checks codefacts' facts against Python's own `ast` module.

Usage (Python >= 3.10, ideally the version whose stdlib is being checked):

    find LIB -name site-packages -prune -o -name '*.py' -print \
        | xargs target/release/examples/dump_facts > /tmp/facts.jsonl
    python scripts/facts_vs_ast.py /tmp/facts.jsonl

Compares imports (names, modules, levels, scope, TYPE_CHECKING/guarded/conditional flags,
name spans in character columns, statement starts), definitions (qualname, kind, scope,
enclosing class, statement lines, conditional, decorators) and __all__ entries, for every
file that `ast` parses. Prints the first differing files and a summary.
"""
import ast, json, sys, collections

def is_tc(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")

def catches_import_error(handlers):
    names = []
    for h in handlers:
        t = h.type
        if t is None: continue
        todo = [t]
        while todo:
            n = todo.pop()
            if isinstance(n, ast.Tuple): todo.extend(n.elts)
            elif isinstance(n, ast.Name): names.append(n.id)
            elif isinstance(n, ast.Attribute): names.append(n.attr)
    return any(n in ("ImportError", "ModuleNotFoundError") for n in names)

class Ctx:
    def __init__(self, **kw): self.__dict__.update(kw)
    def but(self, **kw):
        d = dict(self.__dict__); d.update(kw); return Ctx(**d)

def charcol(lines, lineno, col):
    return len(lines[lineno-1][:col].decode("utf-8", "replace")) + 1

def expected(src_bytes):
    tree = ast.parse(src_bytes)
    lines = src_bytes.split(b"\n")
    lines = [l for l in src_bytes.splitlines(keepends=True)]
    imports, defs, alls = [], [], []
    def names_of(t, out):
        todo = [t]
        res = []
        while todo:
            n = todo.pop(0)
            if isinstance(n, ast.Name): res.append(n)
            elif isinstance(n, (ast.Tuple, ast.List)):
                todo = list(n.elts) + todo
            elif isinstance(n, ast.Starred): todo = [n.value] + todo
        out.extend(res)
    def all_strings(v, form):
        todo = [v]
        while todo:
            n = todo.pop(0)
            if isinstance(n, (ast.List, ast.Tuple)): todo = list(n.elts) + todo
            elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add): todo = [n.left, n.right] + todo
            elif isinstance(n, ast.Constant) and isinstance(n.value, str): alls.append((n.value, form, n.lineno))
    def visit_body(stmts, ctx):
        for s in stmts: visit(s, ctx)
    def scope_of(ctx): return ctx.scope[0]
    def qual(ctx, name):
        kind, q = ctx.scope
        if kind == "Module": return name
        if kind == "Class": return q + "." + name
        return q + ".<locals>." + name
    def visit(s, ctx):
        sk = scope_of(ctx)
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind = {"FunctionDef": "Function", "AsyncFunctionDef": "AsyncFunction", "ClassDef": "Class"}[type(s).__name__]
            q = qual(ctx, s.name)
            start = min([d.lineno for d in s.decorator_list] + [s.lineno])
            defs.append((q, kind, sk, ctx.scope[1] if sk == "Class" else None, start, s.end_lineno, ctx.dcond,
                         tuple(ast.get_source_segment(src_text, d) for d in s.decorator_list)))
            if kind == "Class":
                visit_body(s.body, ctx.but(scope=("Class", q), dcond=False))
            else:
                visit_body(s.body, ctx.but(scope=("Function", q), dcond=False, icond=False, guarded=False))
            return
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            if isinstance(s, ast.Import): form, module, level = "Import", "", 0
            else: form, module, level = "From", s.module or "", s.level
            for a in s.names:
                imports.append((form, module, level, a.name, a.asname, sk, ctx.tc, ctx.guarded, ctx.icond,
                                a.lineno, charcol(lines, a.lineno, a.col_offset), a.end_lineno, charcol(lines, a.end_lineno, a.end_col_offset),
                                s.lineno, charcol(lines, s.lineno, s.col_offset)))
            return
        if sk != "Function":
            tgts = []
            kind = None
            if isinstance(s, ast.Assign):
                for t in s.targets: names_of(t, tgts)
                kind = "Assignment"
            elif isinstance(s, ast.AnnAssign):
                if isinstance(s.target, ast.Name): tgts.append(s.target)
                kind = "AnnotatedAssignment"
            elif isinstance(s, ast.AugAssign):
                if isinstance(s.target, ast.Name): tgts.append(s.target)
                kind = "AugmentedAssignment"
            for n in tgts:
                defs.append((qual(ctx, n.id), kind, sk, ctx.scope[1] if sk == "Class" else None, s.lineno, s.end_lineno, ctx.dcond, ()))
            if sk == "Module":
                if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and s.targets[0].id == "__all__":
                    all_strings(s.value, "Assign")
                elif isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.target.id == "__all__" and s.value:
                    all_strings(s.value, "Assign")
                elif isinstance(s, ast.AugAssign) and isinstance(s.op, ast.Add) and isinstance(s.target, ast.Name) and s.target.id == "__all__":
                    all_strings(s.value, "AugAssign")
                elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                        and isinstance(s.value.func.value, ast.Name) and s.value.func.value.id == "__all__" and s.value.func.attr in ("append", "extend") and s.value.args:
                    a0 = s.value.args[0]
                    form = "Append" if s.value.func.attr == "append" else "Extend"
                    if form == "Append":
                        if isinstance(a0, ast.Constant) and isinstance(a0.value, str): alls.append((a0.value, form, a0.lineno))
                    else:
                        all_strings(a0, form)
        if isinstance(s, ast.If):
            if is_tc(s.test):
                visit_body(s.body, ctx.but(tc=True, dcond=True))
                visit_body(s.orelse, ctx.but(icond=True, dcond=True))
            elif isinstance(s.test, ast.UnaryOp) and isinstance(s.test.op, ast.Not) and is_tc(s.test.operand):
                visit_body(s.body, ctx.but(icond=True, dcond=True))
                visit_body(s.orelse, ctx.but(tc=True, dcond=True))
            else:
                visit_body(s.body, ctx.but(icond=True, dcond=True))
                visit_body(s.orelse, ctx.but(icond=True, dcond=True))
        elif isinstance(s, (ast.Try, ast.TryStar)):
            g = catches_import_error(s.handlers)
            visit_body(s.body, ctx.but(guarded=True, dcond=True) if g else ctx.but(icond=True, dcond=True))
            for h in s.handlers: visit_body(h.body, ctx.but(icond=True, dcond=True))
            visit_body(s.orelse, ctx.but(icond=True, dcond=True))
            visit_body(s.finalbody, ctx.but(icond=True, dcond=True))
        elif isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            visit_body(s.body, ctx.but(icond=True, dcond=True))
            visit_body(s.orelse, ctx.but(icond=True, dcond=True))
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            visit_body(s.body, ctx.but(icond=True, dcond=True))
        elif isinstance(s, ast.Match):
            for c in s.cases: visit_body(c.body, ctx.but(icond=True, dcond=True))
    global src_text
    src_text = src_bytes.decode("utf-8", "replace")
    visit_body(tree.body, Ctx(scope=("Module", ""), tc=False, guarded=False, icond=False, dcond=False))
    return imports, defs, alls

def actual(f):
    imps = [(i["form"], i["module"], i["level"], i["name"], i["alias"], i["scope"], i["type_checking"], i["guarded"], i["conditional"],
             i["name_span"]["line"], i["name_span"]["col"], i["name_span"]["end_line"], i["name_span"]["end_col"],
             i["stmt_span"]["line"], i["stmt_span"]["col"]) for i in f["imports"]]
    defs = [(d["qualname"], d["kind"], d["scope"], d["enclosing_class"], d["stmt_span"]["line"], d["stmt_span"]["end_line"], d["conditional"],
             tuple(d["decorators"]) if d["kind"] in ("Class", "Function", "AsyncFunction") else ()) for d in f["definitions"]]
    alls = [(e["name"], e["form"], e["span"]["line"]) for e in f["all_entries"]]
    return imps, defs, alls

stats = collections.Counter()
shown = 0
for line in open(sys.argv[1]):
    rec = json.loads(line)
    path = rec["path"]
    src = open(path, "rb").read()
    try:
        exp = expected(src)
    except (SyntaxError, ValueError) as e:
        stats["ast_fail"] += 1
        continue
    stats["files"] += 1
    act = actual(rec["facts"])
    for name, e, a in zip(("imports", "defs", "all"), exp, act):
        ce, ca = collections.Counter(e), collections.Counter(a)
        stats[name] += len(e)
        if ce != ca:
            stats[name + "_mismatch_files"] += 1
            if shown < 25:
                shown += 1
                print("==", path, name)
                print("  missing:", list((ce - ca).elements())[:4])
                print("  extra:  ", list((ca - ce).elements())[:4])
print(dict(stats))
