use super::*;
use crate::facts::{ImportFact, ImportForm, ScopeKind, Span};

fn roots(r: &[&str]) -> Vec<String> {
    r.iter().map(|s| s.to_string()).collect()
}

fn mp(path: &str) -> ModulePath {
    module_path(path, &roots(&[""]))
}

fn name(path: &str, r: &[&str]) -> Option<String> {
    module_path(path, &roots(r)).module
}

fn fact(form: ImportForm, level: u32, module: &str, name: &str) -> ImportFact {
    ImportFact {
        form,
        module: module.to_string(),
        level,
        name: name.to_string(),
        alias: None,
        is_star: name == "*",
        name_span: Span::default(),
        stmt_span: Span::default(),
        scope: ScopeKind::Module,
        type_checking: false,
        guarded: false,
        conditional: false,
        main_only: false,
    }
}

/// `import m`
fn imp(m: &str) -> ImportFact {
    fact(ImportForm::Import, 0, m, m)
}

/// `from <dots><m> import n`
fn from(level: u32, m: &str, n: &str) -> ImportFact {
    fact(ImportForm::From, level, m, n)
}

struct Repo {
    files: Vec<IndexedFile>,
    index: ModuleIndex,
}

impl Repo {
    fn new(paths: &[&str], r: &[&str]) -> Repo {
        let r = roots(r);
        let files: Vec<IndexedFile> = paths
            .iter()
            .map(|p| IndexedFile {
                rel_path: p.to_string(),
                module: module_path(p, &r),
            })
            .collect();
        let index = ModuleIndex::build(&files);
        Repo { files, index }
    }

    fn importer(&self, path: &str) -> &ModulePath {
        &self
            .files
            .iter()
            .find(|f| f.rel_path == path)
            .expect("importer in repo")
            .module
    }

    /// (target_module, target file path, kind)
    fn resolve(
        &self,
        importer: &str,
        f: &ImportFact,
    ) -> (Option<String>, Option<&str>, TargetKind) {
        let r = self.index.resolve(self.importer(importer), f);
        let file = r
            .target_file
            .map(|i| self.files[i as usize].rel_path.as_str());
        (r.target_module, file, r.kind)
    }
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

// ---------------------------------------------------------------- module_path

#[test]
fn module_names_from_paths() {
    assert_eq!(name("a/b/c.py", &[""]), s("a.b.c"));
    assert_eq!(name("a/b/__init__.py", &[""]), s("a.b"));
    assert_eq!(name("m.py", &[""]), s("m"));
    assert_eq!(name("a/b/c.pyi", &[""]), s("a.b.c"));
    let p = mp("a/b/__init__.pyi");
    assert_eq!(
        (p.module.as_deref(), p.is_package, p.is_stub),
        (Some("a.b"), true, true)
    );
    let p = mp("a/b.py");
    assert_eq!(
        (p.is_package, p.is_stub, p.source_root.as_str()),
        (false, false, "")
    );
}

#[test]
fn non_identifier_components_are_not_importable() {
    assert_eq!(name("my-scripts/x.py", &[""]), None);
    assert_eq!(name("a.b/c.py", &[""]), None);
    assert_eq!(name("a/1x.py", &[""]), None);
    assert_eq!(name("a/foo.test.py", &[""]), None);
    assert_eq!(name("class/x.py", &[""]), None, "hard keyword");
    assert_eq!(
        name("match/type.py", &[""]),
        s("match.type"),
        "soft keywords are fine"
    );
    assert_eq!(name("__init__.py", &[""]), None, "the root's own __init__");
    assert_eq!(name("README.md", &[""]), None);
    assert_eq!(name("pkg/données.py", &[""]), s("pkg.données"));
    assert!(is_identifier("_x1") && !is_identifier("") && !is_identifier("x-y"));
}

#[test]
fn most_specific_source_root_wins() {
    let r = &["", "src", "src/inner"];
    let p = module_path("src/pkg/mod.py", &roots(r));
    assert_eq!(
        (p.source_root.as_str(), p.module.as_deref()),
        ("src", Some("pkg.mod"))
    );
    let p = module_path("src/inner/x.py", &roots(r));
    assert_eq!(
        (p.source_root.as_str(), p.module.as_deref()),
        ("src/inner", Some("x"))
    );
    let p = module_path("tests/test_a.py", &roots(r));
    assert_eq!(
        (p.source_root.as_str(), p.module.as_deref()),
        ("", Some("tests.test_a"))
    );
    // "src" does not contain "srcx/...".
    assert_eq!(
        module_path("srcx/a.py", &roots(&["src"])).module,
        s("srcx.a")
    );
    // No configured root contains it: named from the repository root.
    let p = module_path("tools/t.py", &roots(&["src"]));
    assert_eq!(
        (p.source_root.as_str(), p.module.as_deref()),
        ("", Some("tools.t"))
    );
    assert_eq!(module_path("x/y.py", &[]).module, s("x.y"));
    // Trailing slash in a configured root is tolerated.
    assert_eq!(module_path("src/a.py", &roots(&["src/"])).module, s("a"));
    // A directory with a dash can be a source root.
    assert_eq!(
        module_path("my-scripts/x.py", &roots(&["my-scripts"])).module,
        s("x")
    );
}

// ------------------------------------------------------------ absolute_module

#[test]
fn relative_imports_from_a_module() {
    let a = |lvl, m| absolute_module("a.b.c", false, lvl, m);
    assert_eq!(a(1, "x"), s("a.b.x"));
    assert_eq!(a(1, ""), s("a.b"));
    assert_eq!(a(2, ""), s("a"));
    assert_eq!(a(2, "y.z"), s("a.y.z"));
    assert_eq!(a(3, "x"), None);
    assert_eq!(a(3, ""), None);
    assert_eq!(a(0, "os.path"), s("os.path"));
    assert_eq!(
        absolute_module("m", false, 1, "x"),
        None,
        "top-level module has no package"
    );
    assert_eq!(absolute_module("p.m", false, 1, "x"), s("p.x"));
    assert_eq!(absolute_module("p.m", false, 2, "x"), None);
}

#[test]
fn relative_imports_from_a_package() {
    let a = |lvl, m| absolute_module("a.b", true, lvl, m);
    assert_eq!(a(1, "x"), s("a.b.x"));
    assert_eq!(a(1, ""), s("a.b"));
    assert_eq!(a(2, "x"), s("a.x"));
    assert_eq!(a(2, ""), s("a"));
    assert_eq!(a(3, ""), None);
    assert_eq!(absolute_module("p", true, 1, "x"), s("p.x"));
    assert_eq!(absolute_module("p", true, 2, "x"), None);
    assert_eq!(absolute_module("", true, 1, "x"), None);
}

#[test]
fn deep_relative_imports() {
    let m = "a.b.c.d.e";
    assert_eq!(absolute_module(m, false, 4, "z"), s("a.z"));
    assert_eq!(absolute_module(m, false, 5, "z"), None);
    assert_eq!(absolute_module(m, true, 5, "z"), s("a.z"));
    assert_eq!(absolute_module(m, true, 6, ""), None);
}

// ----------------------------------------------------------------- is_stdlib

#[test]
fn stdlib_names() {
    for m in [
        "os",
        "os.path",
        "__future__",
        "typing",
        "xml.etree.ElementTree",
        "asyncio",
        "_thread",
    ] {
        assert!(is_stdlib(m), "{m}");
    }
    // Removed in 3.12/3.13 but still counted.
    for m in [
        "distutils.core",
        "asyncore",
        "imp",
        "lib2to3",
        "telnetlib",
        "cgi",
        "formatter",
        "parser",
        "binhex",
    ] {
        assert!(is_stdlib(m), "{m}");
    }
    // Added in 3.13/3.14.
    for m in [
        "annotationlib",
        "compression.zstd",
        "_pyrepl",
        "_interpreters",
        "_colorize",
        "concurrent.futures",
    ] {
        assert!(is_stdlib(m), "{m}");
    }
    for m in [
        "numpy",
        "requests",
        "six",
        "typing_extensions",
        "setuptools",
        "pip",
        "o",
        "oss",
        "",
    ] {
        assert!(!is_stdlib(m), "{m}");
    }
    assert_eq!(stdlib_min_max("os.path"), Some((8, 14)));
    assert_eq!(stdlib_min_max("distutils"), Some((8, 11)));
    assert_eq!(stdlib_min_max("telnetlib"), Some((8, 12)));
    assert_eq!(stdlib_min_max("tomllib"), Some((11, 14)));
    assert_eq!(stdlib_min_max("zoneinfo"), Some((9, 14)));
    assert_eq!(stdlib_min_max("annotationlib"), Some((14, 14)));
    assert_eq!(stdlib_min_max("numpy"), None);
}

#[test]
fn stdlib_table_is_sorted_and_in_range() {
    let t = stdlib::table();
    assert!(
        t.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted, no duplicates"
    );
    assert!(
        t.iter()
            .all(|&(_, lo, hi)| STDLIB_MIN_MINOR <= lo && lo <= hi && hi <= STDLIB_MAX_MINOR)
    );
    assert!(t.len() > 300);
}

// ----------------------------------------------------------------- resolution

fn app() -> Repo {
    Repo::new(
        &[
            "app/__init__.py",
            "app/core.py",
            "app/util/__init__.py",
            "app/util/strings.py",
            "app/util/deep/leaf.py", // deep/ has no __init__: namespace inside a package
            "ns/part/mod.py",        // ns/ and ns/part/ are namespace packages
            "scripts/run.py",        // scripts/ is a namespace package too
            "top.py",
            "typed.py",
            "typed.pyi",
            "stubonly.pyi",
            "logging.py",         // shadows the stdlib
            "my-tools/helper.py", // not importable
        ],
        &[""],
    )
}

#[test]
fn absolute_imports() {
    let r = app();
    let i = "app/core.py";
    assert_eq!(
        r.resolve(i, &imp("app.util.strings")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(i, &imp("app.util")),
        (
            s("app.util"),
            Some("app/util/__init__.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(i, &imp("top")),
        (s("top"), Some("top.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(i, &imp("os.path")),
        (s("os.path"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve(i, &imp("numpy.linalg")),
        (s("numpy.linalg"), None, TargetKind::ThirdParty)
    );
    // The top-level package is first-party but the module does not exist.
    assert_eq!(
        r.resolve(i, &imp("app.missing")),
        (s("app.missing"), None, TargetKind::Unresolved)
    );
    assert_eq!(
        r.resolve(i, &imp("top.sub")),
        (s("top.sub"), None, TargetKind::Unresolved)
    );
}

#[test]
fn from_imports_submodule_versus_attribute() {
    let r = app();
    let i = "top.py";
    // `from app.util import strings`: a submodule, the edge goes to the submodule's file.
    assert_eq!(
        r.resolve(i, &from(0, "app.util", "strings")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    // `from app.util import helper_fn`: an attribute of the package.
    assert_eq!(
        r.resolve(i, &from(0, "app.util", "helper_fn")),
        (
            s("app.util"),
            Some("app/util/__init__.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(i, &from(0, "app.core", "Thing")),
        (s("app.core"), Some("app/core.py"), TargetKind::Repo)
    );
    // A namespace subpackage is a submodule too (no file).
    assert_eq!(
        r.resolve(i, &from(0, "app.util", "deep")),
        (s("app.util.deep"), None, TargetKind::Repo)
    );
    // Star imports target the module itself, never `pkg.*`.
    assert_eq!(
        r.resolve(i, &from(0, "app.util", "*")),
        (
            s("app.util"),
            Some("app/util/__init__.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(i, &from(0, "os", "path")),
        (s("os"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve(i, &from(0, "requests", "get")),
        (s("requests"), None, TargetKind::ThirdParty)
    );
    assert_eq!(
        r.resolve(i, &from(0, "app.nothere", "x")),
        (s("app.nothere"), None, TargetKind::Unresolved)
    );
}

#[test]
fn relative_imports_resolve_in_the_index() {
    let r = app();
    // From a plain module of package `app`.
    let m = "app/core.py";
    assert_eq!(
        r.resolve(m, &from(1, "", "util")),
        (
            s("app.util"),
            Some("app/util/__init__.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(m, &from(1, "util", "strings")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(m, &from(1, "util.strings", "upper")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(m, &from(1, "", "some_attr")),
        (s("app"), Some("app/__init__.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(m, &from(2, "", "top")),
        (None, None, TargetKind::Unresolved),
        "climbs above `app`"
    );
    assert_eq!(
        r.resolve(m, &from(1, "gone", "x")),
        (s("app.gone"), None, TargetKind::Unresolved)
    );
    // From a package `__init__`: `.` is the package itself.
    let p = "app/util/__init__.py";
    assert_eq!(
        r.resolve(p, &from(1, "", "strings")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(p, &from(1, "strings", "*")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(p, &from(2, "", "core")),
        (s("app.core"), Some("app/core.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(p, &from(2, "core", "X")),
        (s("app.core"), Some("app/core.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(p, &from(3, "", "top")),
        (None, None, TargetKind::Unresolved)
    );
    // Three levels from a module in a namespace directory inside a package.
    let d = "app/util/deep/leaf.py";
    assert_eq!(
        r.resolve(d, &from(1, "", "x")),
        (s("app.util.deep"), None, TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(d, &from(2, "", "strings")),
        (
            s("app.util.strings"),
            Some("app/util/strings.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(d, &from(3, "core", "X")),
        (s("app.core"), Some("app/core.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(d, &from(4, "", "x")),
        (None, None, TargetKind::Unresolved)
    );
    // A top-level module has no package: `from . import x` fails in Python.
    assert_eq!(
        r.resolve("top.py", &from(1, "", "typed")),
        (None, None, TargetKind::Unresolved)
    );
    // A relative import of a stdlib-looking name is still relative.
    assert_eq!(
        r.resolve(m, &from(1, "os", "path")),
        (s("app.os"), None, TargetKind::Unresolved)
    );
}

#[test]
fn non_importable_importer() {
    let r = app();
    let i = "my-tools/helper.py";
    assert_eq!(
        r.resolve(i, &from(1, "", "x")),
        (None, None, TargetKind::Unresolved)
    );
    // Its absolute imports still resolve.
    assert_eq!(
        r.resolve(i, &imp("app.core")),
        (s("app.core"), Some("app/core.py"), TargetKind::Repo)
    );
    assert!(r.index.get("my-tools").is_none());
}

#[test]
fn namespace_packages() {
    let r = app();
    let i = "top.py";
    assert_eq!(r.resolve(i, &imp("ns")), (s("ns"), None, TargetKind::Repo));
    assert_eq!(
        r.resolve(i, &imp("ns.part")),
        (s("ns.part"), None, TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(i, &imp("ns.part.mod")),
        (s("ns.part.mod"), Some("ns/part/mod.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(i, &from(0, "ns.part", "mod")),
        (s("ns.part.mod"), Some("ns/part/mod.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve(i, &from(0, "ns", "part")),
        (s("ns.part"), None, TargetKind::Repo)
    );
    // A namespace top level does not claim its name: other portions may live elsewhere.
    assert_eq!(
        r.resolve(i, &imp("ns.other")),
        (s("ns.other"), None, TargetKind::ThirdParty)
    );
    assert_eq!(r.index.get("ns").unwrap().kind, EntryKind::Namespace);
    assert_eq!(
        r.index.get("app.util.deep").unwrap().kind,
        EntryKind::Namespace
    );
    assert_eq!(r.index.get("app").unwrap().kind, EntryKind::Package);
    // Relative imports inside a namespace package work.
    assert_eq!(
        r.resolve("ns/part/mod.py", &from(2, "", "part")),
        (s("ns.part"), None, TargetKind::Repo)
    );
}

#[test]
fn namespace_directory_named_like_stdlib_loses() {
    // A `test/` or `email/` directory without `__init__` next to the code: the stdlib's regular
    // package wins over a namespace portion.
    let r = Repo::new(&["test/test_x.py", "email/helpers.py", "main.py"], &[""]);
    // (`test` itself is not in `sys.stdlib_module_names`: CPython does not count its own test
    // suite, so neither do we.)
    assert_eq!(
        r.resolve("main.py", &imp("test.support")),
        (s("test.support"), None, TargetKind::ThirdParty)
    );
    assert_eq!(
        r.resolve("main.py", &imp("email")),
        (s("email"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve("main.py", &imp("email.mime.text")),
        (s("email.mime.text"), None, TargetKind::Stdlib)
    );
    // An existing module inside it is still found.
    assert_eq!(
        r.resolve("main.py", &imp("email.helpers")),
        (
            s("email.helpers"),
            Some("email/helpers.py"),
            TargetKind::Repo
        )
    );
}

#[test]
fn stubs() {
    let r = app();
    let i = "top.py";
    // Both `typed.py` and `typed.pyi`: the runtime module wins, the stub is remembered.
    assert_eq!(
        r.resolve(i, &imp("typed")),
        (s("typed"), Some("typed.py"), TargetKind::Repo)
    );
    let e = r.index.get("typed").unwrap();
    assert_eq!(
        e.shadowed_stub
            .map(|f| r.files[f as usize].rel_path.as_str()),
        Some("typed.pyi")
    );
    // A stub-only module still resolves.
    assert_eq!(
        r.resolve(i, &imp("stubonly")),
        (s("stubonly"), Some("stubonly.pyi"), TargetKind::Repo)
    );
    // A stub package next to a runtime module: the module runs, the stub is remembered.
    let r3 = Repo::new(&["x/__init__.pyi", "x.py", "x.pyi", "m.py"], &[""]);
    let e = r3.index.get("x").unwrap();
    assert_eq!(r3.files[e.file.unwrap() as usize].rel_path, "x.py");
    assert_eq!(
        r3.files[e.shadowed_stub.unwrap() as usize].rel_path,
        "x/__init__.pyi"
    );
    // Order of the files does not matter.
    let r2 = Repo::new(&["typed.pyi", "typed.py"], &[""]);
    assert_eq!(r2.resolve("typed.py", &imp("typed")).1, Some("typed.py"));
}

#[test]
fn package_beats_module_of_the_same_name() {
    let r = Repo::new(&["x.py", "x/__init__.py", "x/y.py", "m.py"], &[""]);
    assert_eq!(
        r.resolve("m.py", &imp("x")),
        (s("x"), Some("x/__init__.py"), TargetKind::Repo)
    );
    let r = Repo::new(&["x/__init__.pyi", "x.py", "m.py"], &[""]);
    assert_eq!(
        r.resolve("m.py", &imp("x")),
        (s("x"), Some("x.py"), TargetKind::Repo),
        ".py beats .pyi first"
    );
}

#[test]
fn explicit_init_module() {
    // `from idlelib.__init__ import testing` (the stdlib does this) loads `idlelib/__init__.py`.
    let r = Repo::new(
        &["idlelib/__init__.py", "idlelib/macosx.py", "ns/m.py"],
        &[""],
    );
    let i = "idlelib/macosx.py";
    assert_eq!(
        r.resolve(i, &from(0, "idlelib.__init__", "testing")),
        (
            s("idlelib.__init__"),
            Some("idlelib/__init__.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve(i, &from(0, "idlelib", "__init__")),
        (
            s("idlelib.__init__"),
            Some("idlelib/__init__.py"),
            TargetKind::Repo
        )
    );
    // A namespace package has no `__init__`.
    assert_eq!(
        r.resolve(i, &imp("ns.__init__")),
        (s("ns.__init__"), None, TargetKind::ThirdParty)
    );
}

#[test]
fn shadowing_stdlib() {
    let r = app();
    // A top-level repository module named like a stdlib module is what Python imports
    // (the script's directory comes first on sys.path).
    assert_eq!(
        r.resolve("top.py", &imp("logging")),
        (s("logging"), Some("logging.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("top.py", &imp("logging.handlers")),
        (s("logging.handlers"), None, TargetKind::Unresolved)
    );
    // ... but never a built-in module: the interpreter finds those before any file.
    let r = Repo::new(&["sys.py", "time.py", "m.py"], &[""]);
    assert_eq!(
        r.resolve("m.py", &imp("sys")),
        (s("sys"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve("m.py", &from(0, "time", "sleep")),
        (s("time"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve("m.py", &from(1, "", "sys")),
        (None, None, TargetKind::Unresolved)
    );
    assert!(is_builtin_module("builtins") && is_builtin_module("sys") && !is_builtin_module("os"));
    let b = stdlib::builtin_table();
    assert!(b.windows(2).all(|w| w[0] < w[1]) && b.iter().all(|m| is_stdlib(m)));
    // A submodule named like the stdlib does not shadow an absolute import.
    let r = Repo::new(&["pkg/__init__.py", "pkg/json.py", "pkg/m.py"], &[""]);
    assert_eq!(
        r.resolve("pkg/m.py", &imp("json")),
        (s("json"), None, TargetKind::Stdlib)
    );
    assert_eq!(
        r.resolve("pkg/m.py", &from(1, "", "json")),
        (s("pkg.json"), Some("pkg/json.py"), TargetKind::Repo)
    );
}

#[test]
fn indexing_the_standard_library_itself() {
    let r = Repo::new(
        &[
            "os.py",
            "posixpath.py",
            "json/__init__.py",
            "json/decoder.py",
            "importlib/__init__.py",
            "importlib/util.py",
        ],
        &[""],
    );
    assert_eq!(
        r.resolve("posixpath.py", &imp("os")),
        (s("os"), Some("os.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("os.py", &from(0, "posixpath", "*")),
        (s("posixpath"), Some("posixpath.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("json/__init__.py", &from(1, "decoder", "JSONDecoder")),
        (s("json.decoder"), Some("json/decoder.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("os.py", &imp("importlib.util")),
        (
            s("importlib.util"),
            Some("importlib/util.py"),
            TargetKind::Repo
        )
    );
    // A stdlib module this checkout lacks (a C module): still stdlib.
    assert_eq!(
        r.resolve("os.py", &imp("_thread")),
        (s("_thread"), None, TargetKind::Stdlib)
    );
}

#[test]
fn src_layout() {
    let r = Repo::new(
        &[
            "src/lib/__init__.py",
            "src/lib/a.py",
            "tests/test_a.py",
            "tests/conftest.py",
            "setup.py",
        ],
        &["", "src"],
    );
    assert_eq!(r.importer("src/lib/a.py").module.as_deref(), Some("lib.a"));
    assert_eq!(
        r.importer("tests/test_a.py").module.as_deref(),
        Some("tests.test_a")
    );
    assert_eq!(
        r.resolve("tests/test_a.py", &from(0, "lib", "a")),
        (s("lib.a"), Some("src/lib/a.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("tests/test_a.py", &imp("lib.a")),
        (s("lib.a"), Some("src/lib/a.py"), TargetKind::Repo)
    );
    assert_eq!(
        r.resolve("tests/test_a.py", &from(1, "", "conftest")),
        (
            s("tests.conftest"),
            Some("tests/conftest.py"),
            TargetKind::Repo
        )
    );
    assert_eq!(
        r.resolve("src/lib/a.py", &from(1, "", "x")),
        (s("lib"), Some("src/lib/__init__.py"), TargetKind::Repo)
    );
    // `src.lib` is not a module name: `src` is a root, not a package.
    assert_eq!(
        r.resolve("setup.py", &imp("src.lib")),
        (s("src.lib"), None, TargetKind::ThirdParty)
    );
    assert!(r.index.get("src").is_none());
}

#[test]
fn long_names_take_the_heap_path() {
    let long = "a".repeat(200);
    let pkg = format!("{long}/__init__.py");
    let sub = format!("{long}/{long}.py");
    let r = Repo::new(&[pkg.as_str(), sub.as_str(), "m.py"], &[""]);
    let res = r.resolve("m.py", &from(0, &long, &long));
    assert_eq!(
        res,
        (
            Some(format!("{long}.{long}")),
            Some(sub.as_str()),
            TargetKind::Repo
        )
    );
    let res = r.resolve(
        "m.py",
        &from(
            0,
            &long,
            "attr_name_that_is_long_enough_to_overflow_the_stack_buffer",
        ),
    );
    assert_eq!(
        res,
        (Some(long.clone()), Some(pkg.as_str()), TargetKind::Repo)
    );
}

#[test]
fn resolution_fields() {
    let r = app();
    let res = r
        .index
        .resolve(r.importer("app/core.py"), &from(1, "util", "strings"));
    assert_eq!(res.absolute_module.as_deref(), Some("app.util"));
    assert_eq!(res.target_module.as_deref(), Some("app.util.strings"));
    assert_eq!(TargetKind::ThirdParty.as_str(), "third_party");
}

#[test]
fn resolving_twenty_thousand_imports_is_fast() {
    // 2000 modules in 100 packages; 20k imports of every kind.
    let mut paths = Vec::new();
    for p in 0..100 {
        paths.push(format!("proj/p{p}/__init__.py"));
        for m in 0..20 {
            paths.push(format!("proj/p{p}/m{m}.py"));
        }
    }
    let refs: Vec<&str> = paths.iter().map(|s| s.as_str()).collect();
    let r = Repo::new(&refs, &[""]);
    let imports: Vec<(usize, ImportFact)> = (0..20_000)
        .map(|k| {
            let importer = 1 + (k % 2000) / 20 * 21 + k % 20;
            let f = match k % 5 {
                0 => imp(&format!("proj.p{}.m{}", k % 100, k % 20)),
                1 => from(0, &format!("proj.p{}", k % 100), &format!("m{}", k % 20)),
                2 => from(1, "", "m3"),
                3 => imp("os.path"),
                _ => from(0, "numpy", "array"),
            };
            (importer, f)
        })
        .collect();
    let importers: Vec<&ModulePath> = imports.iter().map(|(i, _)| &r.files[*i].module).collect();
    let start = std::time::Instant::now();
    let mut repo = 0;
    for ((_, f), m) in imports.iter().zip(&importers) {
        if r.index.resolve(m, f).kind == TargetKind::Repo {
            repo += 1;
        }
    }
    let took = start.elapsed();
    assert_eq!(repo, 12_000);
    // A few ms in release; generous for an unoptimized test build on a loaded machine.
    assert!(took.as_millis() < 500, "took {took:?}");
}

/// `ModuleIndex::names_consulted`: an index of only the files of those names (each name's
/// files, and the first file below it) resolves every import as the whole index does. This is
/// what `check --files` relies on (`Writer::files_for_modules` selects the same files).
#[test]
fn an_index_of_the_names_consulted_resolves_as_the_whole_index() {
    let paths = [
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/a.pyi",
        "pkg/sub/__init__.py",
        "pkg/sub/c.py",
        "pkg/sub/d.py",
        "pkg/sub/deeper/e.py",
        "ns/deep/mod.py",
        "ns/other.py",
        "stubonly.pyi",
        "json.py",
        "both/__init__.py",
        "both.py",
        "email/__init__.py",
        "xml/dom/mine.py",
        "top.py",
    ];
    let files: Vec<IndexedFile> = paths
        .iter()
        .map(|p| IndexedFile {
            rel_path: p.to_string(),
            module: mp(p),
        })
        .collect();
    let whole = ModuleIndex::build(&files);
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|f| f.module.module.clone())
        .collect();
    names.extend(
        [
            "missing",
            "pkg.missing",
            "ns.nothing",
            "os",
            "os.path",
            "requests",
            "xml.dom",
        ]
        .map(String::from),
    );
    let mut imports = Vec::new();
    for m in &names {
        imports.push(imp(m));
        for n in [
            "a", "sub", "c", "d", "deep", "mod", "missing", "__init__", "*",
        ] {
            imports.push(from(0, m, n));
        }
    }
    for level in 1..=3 {
        for m in ["", "a", "sub", "sub.deeper", "missing"] {
            for n in ["a", "c", "d", "e", "x", "*"] {
                imports.push(from(level, m, n));
            }
        }
    }
    for importer in &files {
        for import in &imports {
            let consulted = ModuleIndex::names_consulted(&importer.module, import);
            let mut chosen: Vec<usize> = Vec::new();
            for n in &consulted {
                let below = format!("{n}.");
                chosen.extend(
                    (0..files.len()).filter(|&i| files[i].module.module.as_deref() == Some(n)),
                );
                let mut under: Vec<usize> = (0..files.len())
                    .filter(|&i| {
                        files[i]
                            .module
                            .module
                            .as_deref()
                            .is_some_and(|m| m.starts_with(&below))
                    })
                    .collect();
                under.sort_by(|&a, &b| files[a].module.module.cmp(&files[b].module.module));
                chosen.extend(under.first());
            }
            chosen.sort_unstable();
            chosen.dedup();
            let part: Vec<IndexedFile> = chosen.iter().map(|&i| files[i].clone()).collect();
            let partial = ModuleIndex::build(&part);
            let a = whole.resolve(&importer.module, import);
            let mut b = partial.resolve(&importer.module, import);
            b.target_file = b.target_file.map(|t| chosen[t as usize] as u32);
            assert_eq!(a, b, "{} importing {import:?}", importer.rel_path);
        }
    }
}

#[test]
fn an_import_names_a_module_from_its_first_regular_package_when_sys_path_is_unproven() {
    let packages: std::collections::HashSet<&str> =
        ["examples.tutorial.flaskr", "lukhas", "lukhas.core", "app"]
            .into_iter()
            .collect();
    let is_package = |p: &str| packages.contains(p);
    let nothing = |_: &str| false;
    // `examples/` and `examples/tutorial/` have no `__init__` and no absolute import goes
    // through them: the file is `flaskr.db`, as Ruff and pytest name it.
    assert_eq!(
        unproven_namespace("examples.tutorial.flaskr", &is_package, &nothing),
        Some("examples")
    );
    assert_eq!(
        import_name("examples.tutorial.flaskr.db", &is_package, &nothing),
        "flaskr.db"
    );
    assert_eq!(
        import_name("examples.tutorial.flaskr", &is_package, &nothing),
        "flaskr"
    );
    // A plain module in namespace folders only: its own name.
    assert_eq!(
        import_name("examples.celery.make_celery", &is_package, &nothing),
        "make_celery"
    );
    // Where the repository's absolute imports go through the namespace package, the name
    // stays whole.
    let proven = |p: &str| p == "examples" || p == "examples.tutorial";
    assert_eq!(
        import_name("examples.tutorial.flaskr.db", &is_package, &proven),
        "examples.tutorial.flaskr.db"
    );
    // Below a regular package, a namespace package needs no proof.
    assert_eq!(
        unproven_namespace("lukhas.core.sub", &is_package, &nothing),
        None
    );
    assert_eq!(
        import_name("lukhas.core.sub.x", &is_package, &nothing),
        "lukhas.core.sub.x"
    );
    assert_eq!(import_name("app", &is_package, &nothing), "app");
    assert_eq!(import_name("tool", &is_package, &nothing), "tool");
    // A name whose top would be a standard-library module stays whole: an import would
    // find the standard library's.
    assert_eq!(
        import_name("scripts.logging", &is_package, &nothing),
        "scripts.logging"
    );
}
