//! The iterative walker that builds scopes and bindings and resolves loads.
//!
//! Work is an explicit stack of [`Task`]s (never recursion), so deeply nested input cannot
//! overflow the call stack. The order of evaluation mirrors Ruff's checker (which mirrors
//! pyflakes): values before targets, decorators/defaults/annotations before the function name
//! is bound, function and lambda bodies deferred until the module is done, and string
//! annotations last.

use std::collections::HashMap;
use std::time::Duration;

use super::arena::{Arena, Node, fields as fid, kinds};

use super::builtins;
use super::{
    Binding, BindingId, BindingKind, DunderAllName, Reference, ReferenceKind, Resolution, Scope,
    ScopeId, SemScopeKind, SemanticFacts, SemanticOptions, Span, StarImport, UnresolvedReference,
};
use crate::syntax::LineIndex;

const EXC_NAME_ERROR: u8 = 1;
const EXC_IMPORT_ERROR: u8 = 2;

/// A cheap hash for the short identifier keys of scope tables (SipHash showed in profiles).
/// Names come from the analyzed file; a crafted file can at worst slow its own analysis.
type NameHash = std::hash::BuildHasherDefault<NameHasher>;

#[derive(Default, Clone, Copy)]
struct NameHasher(u64);

impl NameHasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;

    #[inline]
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Fold the well-mixed high bits into the low bits hashbrown indexes with.
        self.0 ^ (self.0 >> 29)
    }
}

/// The walking context: restored when deferred work resumes.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    scope: u32,
    branch: Option<u32>,
    in_type_checking: bool,
    in_handler: bool,
    in_orelse: bool,
    /// Enclosing `if`/`while`/`match` statements (any depth, across scopes).
    cond_depth: u32,
    /// Inside an annotation (a type definition).
    annotation: bool,
    /// Strings are not type definitions here (`Literal[...]`, `Annotated` metadata).
    literal: bool,
    /// Resolving deferred type definitions: do not defer again.
    deferred_typedef: bool,
    /// Forward reference: prefer module-level bindings.
    forward_ref: bool,
    /// Inside a string annotation.
    string_ann: bool,
}

/// How node positions map into the analyzed file.
#[derive(Debug, Clone, Copy)]
enum PosMap {
    /// Byte offsets shift by this much (0 for the file itself).
    Offset(usize),
    /// Everything maps to one range (a string annotation that is not a simple literal).
    Whole(usize, usize),
}

enum Task<'t> {
    Stmt(Node<'t>),
    Block(Node<'t>),
    Expr(Node<'t>),
    Annotation(Node<'t>),
    Store(Node<'t>, BindingKind),
    Del(Node<'t>),
    Pattern(Node<'t>),
    SetCtx(Ctx),
    PushHandled(u8),
    PopHandled,
    PushTry(Option<u32>),
    PopTry,
    /// Binds a def/class name once its header has been walked.
    BindDef {
        name: Node<'t>,
        kind: BindingKind,
        overload: bool,
    },
    DeferFunction(Node<'t>, Ctx),
    DeferLambda(Node<'t>, Ctx),
    /// `except ... as name`: binds the name, remembering what it hid.
    ExceptBind(Node<'t>),
    /// End of the handler: the name becomes unbound again.
    ExceptUnbind(Node<'t>, Option<u32>),
    /// `__all__ = ...` / `__all__ += ...` at module level: (target, value).
    Export(Node<'t>, Node<'t>),
    /// A type definition outside annotations (TypeAlias values, TypeVar bounds, cast types):
    /// deferred in stubs, else walked with strings parsed as annotations.
    TypeDef(Node<'t>),
    /// Stub class bases are resolved after the module (Ruff).
    DeferBases(Node<'t>),
    Params(Node<'t>),
    TypeParams(Node<'t>),
}

#[derive(Default)]
struct Queues<'t> {
    class_bases: Vec<(Node<'t>, Ctx)>,
    functions: Vec<(Node<'t>, Ctx)>,
    lambdas: Vec<(Node<'t>, Ctx)>,
    type_params: Vec<(Node<'t>, Ctx)>,
    future: Vec<(Node<'t>, Ctx)>,
}

struct StringAnn {
    content: String,
    map: PosMap,
    ctx: Ctx,
}

struct ScopeData {
    kind: SemScopeKind,
    parent: Option<u32>,
    name: Option<String>,
    span: Span,
    map: HashMap<String, u32, NameHash>,
    star: bool,
    locals: bool,
}

struct BData {
    b: Binding,
    /// For `global`/`nonlocal`/unbound-exception bindings: the binding reads go to.
    target: Option<u32>,
    export_names: Vec<(String, usize, usize)>,
}

struct Analyzer<'a> {
    text: &'a str,
    idx: &'a LineIndex<'a>,
    opts: &'a SemanticOptions,
    scopes: Vec<ScopeData>,
    bindings: Vec<BData>,
    unresolved: Vec<UnresolvedReference>,
    stars: Vec<StarImport>,
    branches: Vec<Option<u32>>,
    handled: Vec<u8>,
    strings: Vec<StringAnn>,
    future_annotations: bool,
    /// Entries of module-level `__all__` definitions.
    all_names: Vec<DunderAllName>,
    references: Vec<Reference>,
    /// Branch of each enclosing `try` statement (for handler-name bindings).
    try_branch: Vec<Option<u32>>,
    ctx: Ctx,
    /// (start, next line's start, 1-based line) of the line of the last position lookup.
    line_cache: std::cell::Cell<(usize, usize, u32)>,
    ascii: bool,
    /// Reused buffer for qualified names (see [`Analyzer::qualified_name_into`]).
    qbuf: std::cell::RefCell<String>,
}

pub(super) fn run<'a>(
    text: &'a str,
    idx: &'a LineIndex<'a>,
    arena: &'a Arena,
    opts: &'a SemanticOptions,
) -> SemanticFacts {
    let root = arena.root();
    let mut a = Analyzer {
        text,
        idx,
        opts,
        scopes: Vec::new(),
        // Sized from the node count: growing these large vectors showed in profiles.
        bindings: Vec::with_capacity(arena.len() / 32),
        unresolved: Vec::new(),
        stars: Vec::new(),
        branches: Vec::new(),
        handled: Vec::new(),
        strings: Vec::new(),
        future_annotations: false,
        try_branch: Vec::new(),
        all_names: Vec::new(),
        references: Vec::with_capacity(arena.len() / 5),
        qbuf: Default::default(),
        line_cache: std::cell::Cell::new((0, 0, 0)),
        ascii: text.is_ascii(),
        ctx: Ctx {
            scope: 0,
            branch: None,
            in_type_checking: false,
            in_handler: false,
            in_orelse: false,
            cond_depth: 0,
            annotation: false,
            literal: false,
            deferred_typedef: false,
            forward_ref: false,
            string_ann: false,
        },
    };
    let span = a.span_bytes(0, text.len());
    a.new_scope(SemScopeKind::Module, None, None, span);
    let mut q = Queues::default();
    a.run_tasks(text, PosMap::Offset(0), &mut q, vec![Task::Block(root)]);
    a.deferred(&mut q);
    a.exports();
    a.finish()
}

fn kids<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    n.named_children()
        .filter(|k| !k.is_error() && !is_comment(*k))
        .collect()
}

#[inline]
fn is_comment(n: Node<'_>) -> bool {
    n.kind_id() == kinds().comment
}

/// [`kids`] without collecting.
fn kid_iter(n: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    n.named_children()
        .filter(|k| !k.is_error() && !is_comment(*k))
}

fn field(n: Node<'_>, f: u16) -> Option<Node<'_>> {
    n.child_by_field(f).filter(|k| !k.is_error())
}

fn fields(n: Node<'_>, f: u16) -> Vec<Node<'_>> {
    n.children_by_field(f).filter(|k| !k.is_error()).collect()
}

fn is_dummy(name: &str) -> bool {
    // Ruff's default dummy-variable-rgx: `^(_+|(_+[\p{XID_Continue}]*[\p{XID_Continue}--_]+?))$`
    name.starts_with('_') && (name.chars().all(|c| c == '_') || !name.ends_with('_'))
}

impl<'a> Analyzer<'a> {
    fn span_bytes(&self, start: usize, end: usize) -> Span {
        let ((line, col), (end_line, end_col)) = self.positions(start, end);
        Span {
            line,
            col,
            end_line,
            end_col,
            start_byte: start as u32,
            end_byte: end as u32,
        }
    }

    /// [`LineIndex::positions`], answering offsets on the line of the previous lookup (the
    /// walk mostly moves forward a little at a time) without a binary search.
    fn positions(&self, start: usize, end: usize) -> ((u32, u32), (u32, u32)) {
        let (line_start, next_start, line) = self.line_cache.get();
        if self.ascii && line_start <= start && start <= end && end < next_start {
            let col = (start - line_start + 1) as u32;
            return ((line, col), (line, col + (end - start) as u32));
        }
        let r = self.idx.positions(start, end);
        let line = r.0.0;
        let next = if (line as usize) < self.idx.line_count_raw() {
            self.idx.line_start(line + 1)
        } else {
            0
        };
        self.line_cache.set((self.idx.line_start(line), next, line));
        r
    }

    fn node_span(&self, map: PosMap, n: Node) -> Span {
        match map {
            PosMap::Offset(o) => self.span_bytes(n.start_byte() + o, n.end_byte() + o),
            PosMap::Whole(s, e) => self.span_bytes(s, e),
        }
    }

    fn new_scope(
        &mut self,
        kind: SemScopeKind,
        parent: Option<u32>,
        name: Option<String>,
        span: Span,
    ) -> u32 {
        self.scopes.push(ScopeData {
            kind,
            parent,
            name,
            span,
            map: HashMap::default(),
            star: false,
            locals: false,
        });
        (self.scopes.len() - 1) as u32
    }

    fn new_branch(&mut self) -> u32 {
        self.branches.push(self.ctx.branch);
        (self.branches.len() - 1) as u32
    }

    fn exceptions(&self) -> u8 {
        self.handled.iter().fold(0, |a, b| a | b)
    }

    fn ancestors(&self, scope: u32) -> Vec<u32> {
        let mut v = vec![scope];
        let mut s = scope;
        while let Some(p) = self.scopes[s as usize].parent {
            v.push(p);
            s = p;
        }
        v
    }

    fn push_binding(&mut self, name: &str, span: Span, kind: BindingKind, scope: u32) -> u32 {
        let id = self.bindings.len() as u32;
        self.bindings.push(BData {
            b: Binding {
                id: BindingId(id),
                name: name.to_string(),
                kind,
                scope: ScopeId(scope),
                span,
                stmt_span: None,
                uses: 0,
                shadows: None,
                shadows_outer: None,
                is_live: false,
                in_type_checking: self.ctx.in_type_checking,
                in_import_error_try: self.exceptions() & EXC_IMPORT_ERROR != 0,
                branch: self.ctx.branch,
                in_all: false,
                is_redundant_alias: false,
                is_global: false,
                is_nonlocal: false,
                is_dummy: is_dummy(name),
                is_overload: false,
                qualified_name: None,
                module: None,
                level: 0,
            },
            target: None,
            export_names: Vec::new(),
        });
        id
    }

    /// Adds to the scope without copying references (Ruff's `push_binding` + `scope.add`).
    fn add_raw(&mut self, name: &str, id: u32, scope: u32) {
        if let Some(prev) = self.scopes[scope as usize].map.insert(name.to_string(), id) {
            self.bindings[id as usize].b.shadows = Some(BindingId(prev));
        }
    }

    /// Ruff's `add_binding`: copies references from the shadowed binding.
    fn add_binding(&mut self, name: &str, span: Span, kind: BindingKind) -> u32 {
        let scope = if kind == BindingKind::Walrus {
            let anc = self.ancestors(self.ctx.scope);
            *anc.iter()
                .find(|s| self.scopes[**s as usize].kind != SemScopeKind::Comprehension)
                .unwrap_or(anc.last().unwrap())
        } else {
            self.ctx.scope
        };
        let id = self.push_binding(name, span, kind, scope);
        if let Some(&prev) = self.scopes[scope as usize].map.get(name) {
            if kind == BindingKind::Annotation {
                return id;
            }
            let p = &self.bindings[prev as usize].b;
            if !matches!(
                p.kind,
                BindingKind::Deletion | BindingKind::UnboundException
            ) {
                let (uses, g, nl) = (p.uses, p.is_global, p.is_nonlocal);
                let b = &mut self.bindings[id as usize].b;
                b.uses = uses;
                b.is_global |= g;
                b.is_nonlocal |= nl;
            }
        } else {
            // The nearest enclosing function/module scope binding the name.
            let mut outer = None;
            let mut next = self.scopes[scope as usize].parent;
            while let Some(sid) = next {
                let sd = &self.scopes[sid as usize];
                if matches!(sd.kind, SemScopeKind::Function | SemScopeKind::Module)
                    && let Some(&b) = sd.map.get(name)
                {
                    outer = Some(b);
                    break;
                }
                next = sd.parent;
            }
            self.bindings[id as usize].b.shadows_outer = outer.map(BindingId);
        }
        self.add_raw(name, id, scope);
        id
    }

    fn is_unbound(&self, id: u32) -> bool {
        matches!(
            self.bindings[id as usize].b.kind,
            BindingKind::Annotation | BindingKind::Deletion | BindingKind::UnboundException
        ) && !(self.bindings[id as usize].b.kind == BindingKind::UnboundException
            && self.bindings[id as usize].target.is_some())
    }

    fn is_builtin(&self, name: &str) -> bool {
        builtins::is_builtin(name, self.opts.target_version)
            || self.opts.builtins.iter().any(|b| b == name)
            || (self.opts.is_package && name == "__path__")
    }

    fn unresolved(&mut self, name: &str, span: Span, kind: ReferenceKind, star: bool) {
        let text = self
            .text
            .get(span.start_byte as usize..span.end_byte as usize)
            .unwrap_or(name)
            .to_string();
        let added = builtins::added_in(name).filter(|v| *v > self.opts.target_version);
        let (usage, attribute) = if text == name {
            usage_after(self.text.get(span.end_byte as usize..).unwrap_or(""))
        } else {
            (None, None)
        };
        self.unresolved.push(UnresolvedReference {
            name: name.to_string(),
            text,
            span,
            scope: ScopeId(self.ctx.scope),
            kind,
            star_import_visible: star,
            name_error_handled: self.exceptions() & EXC_NAME_ERROR != 0,
            builtin_added_in: added,
            parent_line: None,
            usage,
            attribute,
        });
    }

    fn ref_kind(&self) -> ReferenceKind {
        if self.ctx.string_ann {
            ReferenceKind::StringAnnotation
        } else if self.ctx.annotation {
            ReferenceKind::Annotation
        } else {
            ReferenceKind::Plain
        }
    }

    fn use_binding(&mut self, id: u32) {
        self.bindings[id as usize].b.uses += 1;
    }

    /// `import a as x; import a.b`: using `x` also uses the submodule import `a.b`.
    fn use_submodule(&mut self, name: &str, scope: u32, id: u32) {
        let b = &self.bindings[id as usize].b;
        if b.kind != BindingKind::Import {
            return;
        }
        let Some(q) = b.qualified_name.as_deref() else {
            return;
        };
        let last = q.rsplit('.').next().unwrap_or(q);
        let first = q.split('.').next().unwrap_or(q);
        if last == name {
            return;
        }
        let Some(&sub) = self.scopes[scope as usize].map.get(last) else {
            return;
        };
        let sb = &self.bindings[sub as usize].b;
        if sb.kind == BindingKind::SubmoduleImport
            && sb
                .qualified_name
                .as_deref()
                .and_then(|s| s.split('.').next())
                == Some(first)
        {
            self.use_binding(sub);
        }
    }

    /// Qualified name of a (dotted) name expression, through import bindings and builtins.
    fn qualified_name(&self, n: Node, src: &str) -> Option<String> {
        let mut out = String::new();
        self.qualified_name_into(n, src, &mut out).then_some(out)
    }

    /// [`Self::qualified_name`] written into `out` (cleared first); false when there is none.
    /// Reusing one buffer keeps the per-call check of every call expression allocation-free.
    fn qualified_name_into(&self, n: Node, src: &str, out: &mut String) -> bool {
        out.clear();
        if !matches!(n.kind(), "identifier" | "attribute") {
            return false;
        }
        let raw = txt_of(src, n);
        let text: std::borrow::Cow<str> = if raw.contains(char::is_whitespace) {
            raw.chars().filter(|c| !c.is_whitespace()).collect()
        } else {
            raw.into()
        };
        let (head, rest) = match text.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (&*text, None),
        };
        match self.lookup(head) {
            Some(id) => {
                let b = &self.bindings[id as usize].b;
                match b.kind {
                    BindingKind::Import | BindingKind::FromImport => {
                        let Some(q) = &b.qualified_name else {
                            return false;
                        };
                        out.push_str(q);
                    }
                    BindingKind::SubmoduleImport => out.push_str(head),
                    _ => return false,
                }
            }
            None if self.is_builtin(head) => {
                out.push_str("builtins.");
                out.push_str(head);
            }
            None => return false,
        }
        if let Some(r) = rest {
            out.push('.');
            out.push_str(r);
        }
        true
    }

    /// Ruff's "standard library generic": its subscript is a type definition.
    fn is_typing_generic(&self, v: Node, src: &str) -> bool {
        let mut buf = self.qbuf.take();
        let generic = self.qualified_name_into(v, src, &mut buf) && is_generic_name(&buf);
        self.qbuf.replace(buf);
        generic
    }

    /// Records a name load and resolves it.
    fn load(&mut self, name: &str, span: Span) {
        if name.is_empty() {
            return;
        }
        if name == "locals" {
            self.scopes[self.ctx.scope as usize].locals = true;
        }
        let kind = self.ref_kind();
        let resolution = self.resolve_load(name, span, kind);
        if !self.opts.references {
            return;
        }
        self.references.push(Reference {
            name: name.to_string(),
            span,
            scope: ScopeId(self.ctx.scope),
            kind,
            resolution,
        });
    }

    /// Ruff's `resolve_load`: marks the binding used or records an unresolved reference.
    fn resolve_load(&mut self, name: &str, span: Span, kind: ReferenceKind) -> Resolution {
        if self.ctx.forward_ref
            && let Some(&id) = self.scopes[0].map.get(name)
            && !self.is_unbound(id)
        {
            self.use_binding(id);
            self.use_submodule(name, 0, id);
            return Resolution::Binding(BindingId(id));
        }
        let mut star = false;
        let mut class_visible = true;
        let mut next = Some(self.ctx.scope);
        let mut index = 0usize;
        while let Some(sid) = next {
            next = self.scopes[sid as usize].parent;
            index += 1;
            let index = index - 1;
            let skind = self.scopes[sid as usize].kind;
            if skind == SemScopeKind::Class && !class_visible {
                continue;
            }
            class_visible = matches!(
                (skind, index),
                (SemScopeKind::TypeParams, 0) | (SemScopeKind::ClassCell, 1)
            );
            if let Some(&id) = self.scopes[sid as usize].map.get(name) {
                self.use_binding(id);
                self.use_submodule(name, sid, id);
                let bk = self.bindings[id as usize].b.kind;
                match bk {
                    BindingKind::Annotation if !self.opts.is_stub => {
                        let bscope = self.bindings[id as usize].b.scope.0;
                        if self.scopes[bscope as usize].kind == SemScopeKind::Function {
                            self.unresolved(name, span, kind, false);
                            return Resolution::Unresolved;
                        }
                        continue;
                    }
                    BindingKind::Deletion => {
                        self.unresolved(name, span, kind, false);
                        return Resolution::Unresolved;
                    }
                    BindingKind::UnboundException => {
                        return match self.bindings[id as usize].target {
                            Some(t) => {
                                self.use_binding(t);
                                Resolution::Binding(BindingId(t))
                            }
                            None => {
                                self.unresolved(name, span, kind, false);
                                Resolution::Unresolved
                            }
                        };
                    }
                    BindingKind::Global | BindingKind::Nonlocal => {
                        if let Some(t) = self.bindings[id as usize].target {
                            self.use_binding(t);
                            return Resolution::Binding(BindingId(t));
                        }
                        return Resolution::Binding(BindingId(id));
                    }
                    _ => return Resolution::Binding(BindingId(id)),
                }
            }
            if index == 0
                && skind == SemScopeKind::Class
                && matches!(name, "__module__" | "__qualname__")
            {
                return Resolution::Implicit;
            }
            star |= self.scopes[sid as usize].star;
        }
        if self.is_builtin(name) {
            return Resolution::Builtin;
        }
        self.unresolved(name, span, kind, star);
        Resolution::Unresolved
    }

    /// Ruff's `lookup_symbol` (no reference recorded); `None` for builtins and unbound names.
    fn lookup(&self, name: &str) -> Option<u32> {
        let mut class_visible = true;
        let mut next = Some(self.ctx.scope);
        let mut index = 0usize;
        while let Some(sid) = next {
            next = self.scopes[sid as usize].parent;
            index += 1;
            let index = index - 1;
            let skind = self.scopes[sid as usize].kind;
            if skind == SemScopeKind::Class && !class_visible {
                continue;
            }
            class_visible = matches!(
                (skind, index),
                (SemScopeKind::TypeParams, 0) | (SemScopeKind::ClassCell, 1)
            );
            if let Some(&id) = self.scopes[sid as usize].map.get(name) {
                return Some(id);
            }
        }
        None
    }

    fn conditional_ctx(&self) -> Ctx {
        let mut c = self.ctx;
        c.cond_depth += 1;
        c
    }

    fn deferred(&mut self, q: &mut Queues<'a>) {
        loop {
            if q.functions.is_empty()
                && q.class_bases.is_empty()
                && q.lambdas.is_empty()
                && q.type_params.is_empty()
                && q.future.is_empty()
                && self.strings.is_empty()
            {
                break;
            }
            for (node, ctx) in std::mem::take(&mut q.class_bases) {
                self.ctx = ctx;
                self.handled.clear();
                self.run_tasks(self.text, PosMap::Offset(0), q, vec![Task::Expr(node)]);
            }
            while !q.functions.is_empty() {
                for (node, ctx) in std::mem::take(&mut q.functions) {
                    self.ctx = ctx;
                    self.handled.clear();
                    let mut tasks = Vec::new();
                    if let Some(p) = field(node, fid().parameters) {
                        tasks.push(Task::Params(p));
                    }
                    if let Some(b) = field(node, fid().body) {
                        tasks.push(Task::Block(b));
                    }
                    self.run_tasks(self.text, PosMap::Offset(0), q, tasks);
                }
            }
            while !q.type_params.is_empty() {
                for (node, ctx) in std::mem::take(&mut q.type_params) {
                    self.ctx = ctx;
                    self.handled.clear();
                    self.run_tasks(self.text, PosMap::Offset(0), q, vec![Task::Expr(node)]);
                }
            }
            while !q.lambdas.is_empty() {
                for (node, ctx) in std::mem::take(&mut q.lambdas) {
                    self.ctx = ctx;
                    self.handled.clear();
                    let tasks = lambda_tasks(node);
                    self.run_tasks(self.text, PosMap::Offset(0), q, tasks);
                }
            }
            while !q.future.is_empty() {
                for (node, ctx) in std::mem::take(&mut q.future) {
                    self.ctx = ctx;
                    self.handled.clear();
                    self.run_tasks(self.text, PosMap::Offset(0), q, vec![Task::Expr(node)]);
                }
            }
            while !self.strings.is_empty() {
                for s in std::mem::take(&mut self.strings) {
                    self.ctx = s.ctx;
                    self.handled.clear();
                    self.string_annotation(&s);
                }
            }
        }
    }

    fn string_annotation(&mut self, s: &StringAnn) {
        let wrapped = format!("({})", s.content);
        let Ok(tree) = crate::syntax::parse_python(&wrapped, Duration::from_secs(2)) else {
            return;
        };
        let arena = Arena::build(&tree, &wrapped);
        let root = arena.root();
        if root.has_error() {
            return;
        }
        // module > expression_statement > parenthesized_expression | tuple
        let Some(stmt) = root.named_child(0) else {
            return;
        };
        if root.named_child_count() != 1 || stmt.kind() != "expression_statement" {
            return;
        }
        let Some(expr) = stmt.named_child(0) else {
            return;
        };
        let map = match s.map {
            // `(` was prepended: shift back by one.
            PosMap::Offset(o) => PosMap::Offset(o.wrapping_sub(1)),
            w => w,
        };
        let mut q = Queues::default();
        self.run_tasks(&wrapped, map, &mut q, vec![Task::Expr(expr)]);
        // Lambdas inside string annotations: walk them right away.
        while !q.lambdas.is_empty() {
            for (node, ctx) in std::mem::take(&mut q.lambdas) {
                self.ctx = ctx;
                self.run_tasks(&wrapped, map, &mut q, lambda_tasks(node));
            }
        }
    }

    fn defers_annotations(&self) -> bool {
        self.future_annotations || self.opts.is_stub || self.opts.target_version >= 14
    }

    #[allow(clippy::too_many_lines)]
    fn run_tasks<'t>(
        &mut self,
        src: &'t str,
        map: PosMap,
        q: &mut Queues<'t>,
        initial: Vec<Task<'t>>,
    ) {
        let mut stack: Vec<Task<'t>> = Vec::with_capacity(64);
        stack.extend(initial.into_iter().rev());
        let txt = |n: Node| -> &'t str { &src[n.byte_range()] };
        // Tasks scheduled by the current task, moved onto `stack` in reverse (reused).
        let mut sched: Vec<Task<'t>> = Vec::with_capacity(16);
        while let Some(task) = stack.pop() {
            match task {
                Task::SetCtx(c) => self.ctx = c,
                Task::PushHandled(e) => self.handled.push(e),
                Task::PopHandled => {
                    self.handled.pop();
                }
                Task::PushTry(b) => self.try_branch.push(b),
                Task::PopTry => {
                    self.try_branch.pop();
                }
                Task::Block(n) => {
                    for k in n.named_children() {
                        if k.is_error() {
                            // Salvage complete statements the parser wrapped in an error node;
                            // its loose tokens yield nothing.
                            sched.push(Task::Block(k));
                        } else if (!n.is_error() || is_statement(k.kind())) && !is_comment(k) {
                            sched.push(Task::Stmt(k));
                        }
                    }
                }
                Task::Stmt(n) => self.stmt(n, src, map, &mut sched),
                Task::Expr(n) => self.expr(n, src, map, q, &mut sched),
                Task::Annotation(n) => {
                    if !self.ctx.deferred_typedef && self.defers_annotations() {
                        let mut c = self.ctx;
                        c.annotation = true;
                        c.deferred_typedef = true;
                        c.forward_ref = true;
                        let inner = if n.kind() == "type" {
                            n.named_child(0).unwrap_or(n)
                        } else {
                            n
                        };
                        if inner.kind() == "concatenated_string" {
                            self.defer_concatenated(inner, src, map, c);
                        } else if n.kind() == "string" || is_type_wrapped_string(n) {
                            let s = if n.kind() == "string" {
                                n
                            } else {
                                n.named_child(0).unwrap()
                            };
                            self.defer_string(s, src, map, c);
                        } else {
                            q.future.push((n, c));
                        }
                    } else {
                        let saved = self.ctx;
                        let mut c = saved;
                        c.annotation = true;
                        sched.push(Task::SetCtx(c));
                        sched.push(Task::Expr(n));
                        sched.push(Task::SetCtx(saved));
                    }
                }
                Task::Store(n, kind) => self.store(n, kind, src, map, &mut sched),
                Task::TypeDef(n) => {
                    let mut c = self.ctx;
                    c.annotation = true;
                    c.literal = false;
                    if !self.ctx.deferred_typedef && self.opts.is_stub {
                        c.deferred_typedef = true;
                        q.future.push((n, c));
                    } else {
                        let saved = self.ctx;
                        sched.push(Task::SetCtx(c));
                        sched.push(Task::Expr(n));
                        sched.push(Task::SetCtx(saved));
                    }
                }
                Task::DeferBases(n) => q.class_bases.push((n, self.ctx)),
                Task::Del(n) => match n.kind() {
                    "identifier" => {
                        let name = txt(n);
                        let span = self.node_span(map, n);
                        self.delete(name, span);
                    }
                    "tuple"
                    | "list"
                    | "expression_list"
                    | "parenthesized_expression"
                    | "pattern_list"
                    | "tuple_pattern"
                    | "list_pattern" => {
                        for k in kid_iter(n) {
                            sched.push(Task::Del(k));
                        }
                    }
                    _ => sched.push(Task::Expr(n)),
                },
                Task::Pattern(n) => self.pattern(n, src, map, &mut sched),
                Task::BindDef {
                    name,
                    kind,
                    overload,
                } => {
                    let span = self.node_span(map, name);
                    let id = self.add_binding(txt(name), span, kind);
                    self.bindings[id as usize].b.is_overload = overload;
                }
                Task::DeferFunction(n, c) => {
                    if let Some(body) = field(n, fid().body) {
                        self.declare_globals(body, src, map);
                    }
                    q.functions.push((n, c));
                }
                Task::DeferLambda(n, c) => q.lambdas.push((n, c)),
                Task::ExceptBind(name) => {
                    let nm = txt(name);
                    let prev = self.lookup(nm);
                    let span = self.node_span(map, name);
                    let id = self.add_binding(nm, span, BindingKind::Except);
                    // Ruff attributes handler names to the `try` statement's branch.
                    self.bindings[id as usize].b.branch = self.try_branch.last().copied().flatten();
                    // Scheduled by the caller: handler body, then ExceptUnbind.
                    if let Some(Task::ExceptUnbind(_, p)) = stack
                        .iter_mut()
                        .rev()
                        .find(|t| matches!(t, Task::ExceptUnbind(nn, None) if nn.id() == name.id()))
                    {
                        *p = prev;
                    }
                }
                Task::ExceptUnbind(name, prev) => {
                    let span = self.node_span(map, name);
                    let id = self.add_binding(txt(name), span, BindingKind::UnboundException);
                    self.bindings[id as usize].target = prev;
                    self.bindings[id as usize].b.branch = self.try_branch.last().copied().flatten();
                }
                Task::Export(target, value) => {
                    let span = self.node_span(map, target);
                    let id = self.add_binding("__all__", span, BindingKind::Export);
                    let names = self.all_names(value, src, map);
                    self.bindings[id as usize].export_names = names;
                }
                Task::Params(p) => self.params(p, src, map),
                Task::TypeParams(tp) => {
                    for t in kid_iter(tp) {
                        // `type` wrapping identifier | constrained_type | splat_type
                        let inner = if t.kind() == "type" {
                            t.named_child(0).unwrap_or(t)
                        } else {
                            t
                        };
                        match inner.kind() {
                            "identifier" => {
                                let span = self.node_span(map, inner);
                                self.add_binding(txt(inner), span, BindingKind::TypeParam);
                            }
                            "splat_type" => {
                                if let Some(id) = inner.named_child(0) {
                                    let span = self.node_span(map, id);
                                    self.add_binding(txt(id), span, BindingKind::TypeParam);
                                }
                            }
                            "constrained_type" => {
                                let ks = kids(inner);
                                if let Some(first) = ks.first() {
                                    let nm = first.named_child(0).unwrap_or(*first);
                                    let span = self.node_span(map, nm);
                                    self.add_binding(txt(nm), span, BindingKind::TypeParam);
                                }
                                for bound in ks.iter().skip(1) {
                                    let mut c = self.ctx;
                                    c.annotation = true;
                                    q.type_params.push((*bound, c));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            while let Some(t) = sched.pop() {
                stack.push(t);
            }
        }
    }

    fn defer_string(&mut self, s: Node, src: &str, map: PosMap, mut ctx: Ctx) {
        ctx.string_ann = true;
        ctx.forward_ref = true;
        ctx.deferred_typedef = true;
        ctx.annotation = true;
        let parts: Vec<Node> = s.named_children().collect();
        if parts.iter().any(|p| p.kind() == "interpolation") {
            return;
        }
        let start = parts.iter().find(|p| p.kind() == "string_start");
        let end = parts.iter().find(|p| p.kind() == "string_end");
        let (Some(start), Some(end)) = (start, end) else {
            return;
        };
        let prefix = txt_of(src, *start);
        if prefix
            .chars()
            .any(|c| matches!(c, 'b' | 'B' | 'f' | 'F' | 't' | 'T'))
        {
            return;
        }
        let Some(raw) = src.get(start.end_byte()..end.start_byte()) else {
            return;
        };
        let raw_prefix = prefix.contains(['r', 'R']);
        let (content, simple) = if raw_prefix || !raw.contains('\\') {
            (raw.to_string(), true)
        } else {
            (unescape(raw), false)
        };
        let whole = self.node_span(map, s);
        let pm = match (simple, map) {
            (true, PosMap::Offset(o)) => PosMap::Offset(start.end_byte() + o),
            _ => PosMap::Whole(whole.start_byte as usize, whole.end_byte as usize),
        };
        self.strings.push(StringAnn {
            content,
            map: pm,
            ctx,
        });
    }

    /// An implicitly concatenated string annotation: parsed as one, every name reported at
    /// the whole expression (Ruff's "complex" annotation).
    fn defer_concatenated(&mut self, n: Node, src: &str, map: PosMap, mut ctx: Ctx) {
        let mut content = String::new();
        for part in kid_iter(n) {
            if part.kind() != "string" {
                return;
            }
            let ks: Vec<Node> = part.named_children().collect();
            if ks.iter().any(|k| k.kind() == "interpolation") {
                return;
            }
            let prefix = ks
                .iter()
                .find(|k| k.kind() == "string_start")
                .map(|k| txt_of(src, *k))
                .unwrap_or("");
            if prefix
                .chars()
                .any(|c| matches!(c, 'b' | 'B' | 'f' | 'F' | 't' | 'T'))
            {
                return;
            }
            for k in ks.iter().filter(|k| k.kind() == "string_content") {
                let raw = txt_of(src, *k);
                if prefix.contains(['r', 'R']) {
                    content.push_str(raw);
                } else {
                    content.push_str(&unescape(raw));
                }
            }
        }
        ctx.string_ann = true;
        ctx.forward_ref = true;
        ctx.deferred_typedef = true;
        ctx.annotation = true;
        let whole = self.node_span(map, n);
        self.strings.push(StringAnn {
            content,
            map: PosMap::Whole(whole.start_byte as usize, whole.end_byte as usize),
            ctx,
        });
    }

    /// Functional `NamedTuple("N", [("a", T)])` / `TypedDict("N", {"a": T})`: names are runtime
    /// values, field types are type definitions.
    fn typed_fields<'t>(
        &mut self,
        member: &str,
        arg: Node<'t>,
        runtime: Ctx,
        saved: Ctx,
        sched: &mut Vec<Task<'t>>,
    ) {
        let push_runtime = |sched: &mut Vec<Task<'t>>, n: Node<'t>| {
            sched.push(Task::SetCtx(runtime));
            sched.push(Task::Expr(n));
            sched.push(Task::SetCtx(saved));
        };
        match (member, arg.kind()) {
            ("NamedTuple", "list" | "tuple") => {
                for elt in kid_iter(arg) {
                    let pair = kids(elt);
                    if matches!(elt.kind(), "list" | "tuple") && pair.len() == 2 {
                        push_runtime(sched, pair[0]);
                        sched.push(Task::TypeDef(pair[1]));
                    } else {
                        push_runtime(sched, elt);
                    }
                }
            }
            ("TypedDict", "dictionary") => {
                for item in kid_iter(arg) {
                    if item.kind() == "pair" {
                        if let Some(k) = field(item, fid().key) {
                            push_runtime(sched, k);
                        }
                        if let Some(v) = field(item, fid().value) {
                            sched.push(Task::TypeDef(v));
                        }
                    } else {
                        sched.push(Task::TypeDef(item));
                    }
                }
            }
            _ => push_runtime(sched, arg),
        }
    }

    /// Ruff's `set_globals`: names declared `global` in a nested scope exist at module level.
    fn declare_globals(&mut self, body: Node, src: &str, map: PosMap) {
        if !body.has_global_statement() {
            return;
        }
        let mut stack = vec![body];
        let mut names = Vec::new();
        while let Some(n) = stack.pop() {
            for k in kid_iter(n) {
                match k.kind() {
                    "global_statement" => {
                        for id in kid_iter(k) {
                            if id.kind() == "identifier" {
                                names.push(id);
                            }
                        }
                    }
                    "function_definition" | "class_definition" | "decorated_definition" => {}
                    _ => stack.push(k),
                }
            }
        }
        for id in names {
            let name = txt_of(src, id);
            let exists = self.scopes[0]
                .map
                .get(name)
                .is_some_and(|b| !self.is_unbound(*b));
            if !exists {
                let span = self.node_span(map, id);
                let bid = self.push_binding(name, span, BindingKind::GlobalDeclaration, 0);
                self.add_raw(name, bid, 0);
            }
        }
    }

    fn delete(&mut self, name: &str, span: Span) {
        let scope = self.ctx.scope;
        let unbound = match self.scopes[scope as usize].map.get(name).copied() {
            Some(id) => {
                self.use_binding(id);
                self.is_unbound(id)
            }
            None => !(scope == 0 && self.is_builtin(name)),
        };
        if unbound {
            self.unresolved(name, span, ReferenceKind::Delete, false);
        }
        if self.ctx.cond_depth > 0 || self.ctx.in_handler || self.ctx.in_orelse {
            return;
        }
        let id = self.push_binding(name, span, BindingKind::Deletion, scope);
        self.add_raw(name, id, scope);
    }

    fn params(&mut self, p: Node, src: &str, map: PosMap) {
        for k in kid_iter(p) {
            let name = match k.kind() {
                "identifier" => Some(k),
                "default_parameter" | "typed_default_parameter" => field(k, fid().name),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    let inner = k.named_child(0);
                    match inner {
                        Some(i) if i.kind() == "identifier" => Some(i),
                        Some(i)
                            if i.kind() == "list_splat_pattern"
                                || i.kind() == "dictionary_splat_pattern" =>
                        {
                            i.named_child(0)
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(n) = name.filter(|n| n.kind() == "identifier") {
                let span = self.node_span(map, n);
                self.add_binding(txt_of(src, n), span, BindingKind::Parameter);
            }
        }
    }

    fn all_names(&self, value: Node, src: &str, map: PosMap) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let mut stack = vec![value];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "list" | "tuple" | "parenthesized_expression" => {
                    let mut ks = kids(n);
                    ks.reverse();
                    stack.extend(ks);
                }
                "binary_operator" => {
                    let mut ks = Vec::new();
                    if let Some(l) = field(n, fid().left) {
                        ks.push(l);
                    }
                    if let Some(r) = field(n, fid().right) {
                        ks.push(r);
                    }
                    ks.reverse();
                    stack.extend(ks);
                }
                "call" => {
                    let f = field(n, fid().function).map(|f| txt_of(src, f));
                    if matches!(f, Some("list" | "tuple"))
                        && let Some(args) = field(n, fid().arguments)
                    {
                        let mut ks = kids(args);
                        ks.reverse();
                        stack.extend(ks);
                    }
                }
                "string" => {
                    let parts: Vec<Node> = n.named_children().collect();
                    if parts.iter().any(|p| p.kind() == "interpolation") {
                        continue;
                    }
                    let content: String = parts
                        .iter()
                        .filter(|p| p.kind() == "string_content")
                        .map(|p| txt_of(src, *p))
                        .collect();
                    let sp = self.node_span(map, n);
                    out.push((content, sp.start_byte as usize, sp.end_byte as usize));
                }
                _ => {}
            }
        }
        out
    }

    fn exports(&mut self) {
        let all: Vec<u32> = (0..self.bindings.len() as u32)
            .filter(|i| {
                let b = &self.bindings[*i as usize].b;
                b.kind == BindingKind::Export && b.scope.0 == 0
            })
            .collect();
        self.ctx.scope = 0;
        self.ctx.forward_ref = false;
        self.ctx.string_ann = false;
        self.ctx.annotation = false;
        self.handled.clear();
        for b in all {
            for (name, s, e) in self.bindings[b as usize].export_names.clone() {
                let span = self.span_bytes(s, e);
                let defined = self.scopes[0].map.contains_key(&name) || self.is_builtin(&name);
                self.all_names.push(DunderAllName {
                    name: name.clone(),
                    span,
                    defined,
                });
                if let Some(&id) = self.scopes[0].map.get(&name) {
                    self.use_binding(id);
                    self.bindings[id as usize].b.in_all = true;
                } else if !self.is_builtin(&name) {
                    let star = self.scopes[0].star;
                    self.unresolved(&name, span, ReferenceKind::DunderAll, star);
                    let line = self.bindings[b as usize].b.span.line;
                    if let Some(u) = self.unresolved.last_mut() {
                        u.parent_line = Some(line);
                    }
                }
            }
        }
    }

    fn finish(self) -> SemanticFacts {
        let mut bindings: Vec<Binding> = self.bindings.into_iter().map(|b| b.b).collect();
        for s in &self.scopes {
            for &id in s.map.values() {
                bindings[id as usize].is_live = true;
            }
        }
        let scopes = self
            .scopes
            .into_iter()
            .enumerate()
            .map(|(i, s)| Scope {
                id: ScopeId(i as u32),
                kind: s.kind,
                parent: s.parent.map(ScopeId),
                name: s.name,
                span: s.span,
                uses_star_import: s.star,
                uses_locals: s.locals,
            })
            .collect();
        SemanticFacts {
            scopes,
            bindings,
            unresolved: self.unresolved,
            star_imports: self.stars,
            dunder_all: self.all_names,
            references: self.references,
            branches: self.branches,
            noqa: Vec::new(),
            noqa_ranges: Vec::new(),
            noqa_warnings: Vec::new(),
            has_syntax_error: false,
            lenient_syntax_error: None,
            future_annotations: self.future_annotations,
        }
    }
}

fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement") || kind.ends_with("_definition") || kind == "decorated_definition"
}

fn txt_of<'t>(src: &'t str, n: Node) -> &'t str {
    &src[n.byte_range()]
}

fn is_type_wrapped_string(n: Node) -> bool {
    n.kind() == "type" && n.named_child_count() == 1 && n.named_child(0).unwrap().kind() == "string"
}

fn lambda_tasks(node: Node) -> Vec<Task> {
    let mut tasks = Vec::new();
    if let Some(p) = field(node, fid().parameters) {
        tasks.push(Task::Params(p));
    }
    if let Some(b) = field(node, fid().body) {
        tasks.push(Task::Expr(b));
    }
    tasks
}

/// Minimal Python string unescaping for annotations with backslashes.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\n') => {}
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

fn decorator_is_overload(src: &str, dec: Node) -> bool {
    let t = txt_of(src, dec);
    t == "overload" || t.ends_with(".overload")
}

/// Statement and expression handlers.
impl<'a> Analyzer<'a> {
    #[allow(clippy::too_many_lines)]
    fn stmt<'t>(&mut self, n: Node<'t>, src: &'t str, map: PosMap, sched: &mut Vec<Task<'t>>) {
        let txt = |n: Node| -> &'t str { &src[n.byte_range()] };
        match n.kind() {
            "expression_statement" => {
                for k in kid_iter(n) {
                    match k.kind() {
                        "assignment" => self.assignment(k, src, map, sched),
                        "augmented_assignment" => {
                            let left = field(k, fid().left);
                            // Ruff loads an augmented name target before the value.
                            if let Some(l) = left.filter(|l| l.kind() == "identifier") {
                                sched.push(Task::Expr(l));
                            }
                            if let Some(r) = field(k, fid().right) {
                                sched.push(Task::Expr(r));
                            }
                            if let Some(l) = left {
                                if l.kind() == "identifier"
                                    && txt(l) == "__all__"
                                    && self.ctx.scope == 0
                                {
                                    if let Some(r) = field(k, fid().right) {
                                        sched.push(Task::Export(l, r));
                                    }
                                } else {
                                    sched.push(Task::Store(l, BindingKind::Augmented));
                                }
                            }
                        }
                        _ => sched.push(Task::Expr(k)),
                    }
                }
            }
            "import_statement" => {
                let stmt_span = self.node_span(map, n);
                for k in fields(n, fid().name) {
                    let (dotted, alias) = if k.kind() == "aliased_import" {
                        (field(k, fid().name), field(k, fid().alias))
                    } else {
                        (Some(k), None)
                    };
                    let Some(dotted) = dotted else { continue };
                    let full = dotted_text(src, dotted);
                    let span = self.node_span(map, alias.unwrap_or(k));
                    let (name, kind) = match alias {
                        Some(a) => (txt(a).to_string(), BindingKind::Import),
                        None if full.contains('.') => (
                            full.split('.').next().unwrap().to_string(),
                            BindingKind::SubmoduleImport,
                        ),
                        None => (full.clone(), BindingKind::Import),
                    };
                    let id = self.add_binding(&name, span, kind);
                    let b = &mut self.bindings[id as usize].b;
                    b.stmt_span = Some(stmt_span);
                    b.is_redundant_alias = alias.is_some_and(|a| txt(a) == full);
                    b.qualified_name = Some(full);
                }
            }
            "import_from_statement" => {
                let stmt_span = self.node_span(map, n);
                let (module, level) = match field(n, fid().module_name) {
                    Some(m) if m.kind() == "relative_import" => {
                        let mut level = 0;
                        let mut module = String::new();
                        for k in kid_iter(m) {
                            if k.kind() == "import_prefix" {
                                level = txt(k).chars().filter(|c| *c == '.').count() as u32;
                            } else if k.kind() == "dotted_name" {
                                module = dotted_text(src, k);
                            }
                        }
                        (module, level)
                    }
                    Some(m) => (dotted_text(src, m), 0),
                    None => (String::new(), 0),
                };
                let written = format!("{}{}", ".".repeat(level as usize), module);
                let star = n.named_children().any(|k| k.kind() == "wildcard_import");
                if star {
                    self.scopes[self.ctx.scope as usize].star = true;
                    self.stars.push(StarImport {
                        module: written.clone(),
                        scope: ScopeId(self.ctx.scope),
                        span: stmt_span,
                    });
                    return;
                }
                for k in fields(n, fid().name) {
                    let (dotted, alias) = if k.kind() == "aliased_import" {
                        (field(k, fid().name), field(k, fid().alias))
                    } else {
                        (Some(k), None)
                    };
                    let Some(dotted) = dotted else { continue };
                    let member = dotted_text(src, dotted);
                    let name = alias.map_or(member.clone(), |a| txt(a).to_string());
                    let span = self.node_span(map, alias.unwrap_or(k));
                    let qualified = if module.is_empty() {
                        format!("{written}{member}")
                    } else {
                        format!("{written}.{member}")
                    };
                    let id = self.add_binding(&name, span, BindingKind::FromImport);
                    let b = &mut self.bindings[id as usize].b;
                    b.stmt_span = Some(stmt_span);
                    b.is_redundant_alias = alias.is_some_and(|a| txt(a) == member);
                    b.qualified_name = Some(qualified);
                    b.module = Some(written.clone());
                    b.level = level;
                }
            }
            "future_import_statement" => {
                let stmt_span = self.node_span(map, n);
                for k in fields(n, fid().name) {
                    let (dotted, alias) = if k.kind() == "aliased_import" {
                        (field(k, fid().name), field(k, fid().alias))
                    } else {
                        (Some(k), None)
                    };
                    let Some(dotted) = dotted else { continue };
                    let member = dotted_text(src, dotted);
                    if member == "annotations" {
                        self.future_annotations = true;
                    }
                    let name = alias.map_or(member.clone(), |a| txt(a).to_string());
                    let span = self.node_span(map, k);
                    let id = self.add_binding(&name, span, BindingKind::FutureImport);
                    let b = &mut self.bindings[id as usize].b;
                    b.stmt_span = Some(stmt_span);
                    b.qualified_name = Some(format!("__future__.{member}"));
                    b.module = Some("__future__".to_string());
                }
            }
            "global_statement" => {
                if self.ctx.scope == 0 {
                    return;
                }
                for id in kid_iter(n) {
                    if id.kind() != "identifier" {
                        continue;
                    }
                    let name = txt(id);
                    let target = self.scopes[0].map.get(name).copied();
                    let span = self.node_span(map, id);
                    let b = self.push_binding(name, span, BindingKind::Global, self.ctx.scope);
                    self.bindings[b as usize].target = target;
                    self.bindings[b as usize].b.is_global = true;
                    self.add_raw(name, b, self.ctx.scope);
                }
            }
            "nonlocal_statement" => {
                if self.ctx.scope == 0 {
                    return;
                }
                for id in kid_iter(n) {
                    if id.kind() != "identifier" {
                        continue;
                    }
                    let name = txt(id);
                    let anc = self.ancestors(self.ctx.scope);
                    let found = anc.iter().skip(1).find_map(|s| {
                        let sd = &self.scopes[*s as usize];
                        if !matches!(sd.kind, SemScopeKind::Module | SemScopeKind::Class) {
                            sd.map.get(name).copied()
                        } else {
                            None
                        }
                    });
                    if let Some(t) = found {
                        self.use_binding(t);
                        let span = self.node_span(map, id);
                        let b =
                            self.push_binding(name, span, BindingKind::Nonlocal, self.ctx.scope);
                        self.bindings[b as usize].target = Some(t);
                        self.bindings[b as usize].b.is_nonlocal = true;
                        self.add_raw(name, b, self.ctx.scope);
                    }
                }
            }
            "decorated_definition" => {
                let mut decorators = Vec::new();
                for k in kid_iter(n) {
                    if k.kind() == "decorator"
                        && let Some(e) = k.named_child(0)
                    {
                        decorators.push(e);
                    }
                }
                if let Some(def) = field(n, fid().definition) {
                    self.definition(def, &decorators, src, map, sched);
                }
            }
            "function_definition" | "class_definition" => {
                self.definition(n, &[], src, map, sched);
            }
            "type_alias_statement"
                if field(n, fid().left)
                    .and_then(|l| l.named_child(0))
                    .is_some_and(|l| !matches!(l.kind(), "identifier" | "generic_type")) =>
            {
                // `type(x).attr = v` misparsed as a type alias: an ordinary assignment.
                if let Some(r) = field(n, fid().right) {
                    sched.push(Task::Expr(r.named_child(0).unwrap_or(r)));
                }
                if let Some(l) = field(n, fid().left).and_then(|l| l.named_child(0)) {
                    sched.push(Task::Store(l, BindingKind::Assignment));
                }
            }
            "type_alias_statement" => {
                let left = field(n, fid().left);
                let outer = self.ctx;
                let sp = self.node_span(map, n);
                let tscope = self.new_scope(SemScopeKind::TypeParams, Some(outer.scope), None, sp);
                let mut c = outer;
                c.scope = tscope;
                sched.push(Task::SetCtx(c));
                let mut name = None;
                if let Some(l) = left {
                    let inner = l.named_child(0).unwrap_or(l);
                    if inner.kind() == "generic_type" {
                        for k in kid_iter(inner) {
                            if k.kind() == "identifier" && name.is_none() {
                                name = Some(k);
                            } else if k.kind() == "type_parameter" {
                                sched.push(Task::TypeParams(k));
                            }
                        }
                    } else if inner.kind() == "identifier" {
                        name = Some(inner);
                    }
                }
                if let Some(r) = field(n, fid().right) {
                    sched.push(Task::Annotation(r));
                }
                sched.push(Task::SetCtx(outer));
                if let Some(nm) = name {
                    sched.push(Task::Store(nm, BindingKind::Assignment));
                }
            }
            "if_statement" => {
                if let Some(c) = field(n, fid().condition) {
                    sched.push(Task::Expr(c));
                }
                let outer = self.ctx;
                let cond = self.conditional_ctx();
                let tc = field(n, fid().condition).is_some_and(|c| {
                    let t = txt(c);
                    t == "TYPE_CHECKING" || t.ends_with(".TYPE_CHECKING")
                });
                if let Some(body) = field(n, fid().consequence) {
                    let mut c = cond;
                    c.branch = Some(self.new_branch());
                    c.in_type_checking |= tc;
                    sched.push(Task::SetCtx(c));
                    sched.push(Task::Block(body));
                }
                for alt in fields(n, fid().alternative) {
                    let mut c = cond;
                    c.branch = Some(self.new_branch());
                    sched.push(Task::SetCtx(c));
                    if alt.kind() == "elif_clause" {
                        if let Some(cnd) = field(alt, fid().condition) {
                            sched.push(Task::Expr(cnd));
                        }
                        if let Some(b) = field(alt, fid().consequence) {
                            sched.push(Task::Block(b));
                        }
                    } else if let Some(b) = field(alt, fid().body) {
                        sched.push(Task::Block(b));
                    }
                }
                sched.push(Task::SetCtx(outer));
            }
            "while_statement" => {
                if let Some(c) = field(n, fid().condition) {
                    sched.push(Task::Expr(c));
                }
                let outer = self.ctx;
                sched.push(Task::SetCtx(self.conditional_ctx()));
                if let Some(b) = field(n, fid().body) {
                    sched.push(Task::Block(b));
                }
                if let Some(alt) = field(n, fid().alternative) {
                    let mut c = self.conditional_ctx();
                    c.in_orelse = true;
                    sched.push(Task::SetCtx(c));
                    if let Some(b) = field(alt, fid().body) {
                        sched.push(Task::Block(b));
                    }
                }
                sched.push(Task::SetCtx(outer));
            }
            "for_statement" => {
                if let Some(r) = field(n, fid().right) {
                    sched.push(Task::Expr(r));
                }
                if let Some(l) = field(n, fid().left) {
                    sched.push(Task::Store(l, BindingKind::For));
                }
                if let Some(b) = field(n, fid().body) {
                    sched.push(Task::Block(b));
                }
                if let Some(alt) = field(n, fid().alternative) {
                    let outer = self.ctx;
                    let mut c = outer;
                    c.in_orelse = true;
                    sched.push(Task::SetCtx(c));
                    if let Some(b) = field(alt, fid().body) {
                        sched.push(Task::Block(b));
                    }
                    sched.push(Task::SetCtx(outer));
                }
            }
            "with_statement" => {
                for clause in kid_iter(n) {
                    if clause.kind() != "with_clause" {
                        continue;
                    }
                    for item in kid_iter(clause) {
                        let Some(v) = field(item, fid().value) else {
                            continue;
                        };
                        let path = trailing_as_pattern(v);
                        let Some(&ap) = path.last() else {
                            sched.push(Task::Expr(v));
                            continue;
                        };
                        // `with a if c else b as x:` parses as `a if c else (b as x)`: the
                        // context expression is all of it, and `x` its target, as in Python.
                        for w in path.windows(2) {
                            for k in w[0].named_children() {
                                if k != w[1] && !is_comment(k) {
                                    sched.push(Task::Expr(k));
                                }
                            }
                        }
                        let ks = kids(ap);
                        if let Some(e) = ks.first() {
                            sched.push(Task::Expr(*e));
                        }
                        if let Some(t) = field(ap, fid().alias) {
                            for tt in kid_iter(t) {
                                sched.push(Task::Store(tt, BindingKind::With));
                            }
                        }
                    }
                }
                if let Some(b) = field(n, fid().body) {
                    let outer = self.ctx;
                    let mut c = outer;
                    c.branch = Some(self.new_branch());
                    sched.push(Task::SetCtx(c));
                    sched.push(Task::Block(b));
                    sched.push(Task::SetCtx(outer));
                }
            }
            "try_statement" => self.try_stmt(n, src, sched),
            "match_statement" => {
                if let Some(s) = field(n, fid().subject) {
                    sched.push(Task::Expr(s));
                }
                for s in fields(n, fid().subject).into_iter().skip(1) {
                    sched.push(Task::Expr(s));
                }
                let outer = self.ctx;
                let cond = self.conditional_ctx();
                if let Some(body) = field(n, fid().body) {
                    for case in kid_iter(body) {
                        if case.kind() != "case_clause" {
                            continue;
                        }
                        sched.push(Task::SetCtx(cond));
                        for k in kid_iter(case) {
                            if k.kind() == "case_pattern" {
                                sched.push(Task::Pattern(k));
                            }
                        }
                        if let Some(g) = field(case, fid().guard) {
                            sched.push(Task::Expr(g));
                        }
                        if let Some(b) = field(case, fid().consequence) {
                            let mut c = cond;
                            c.branch = Some(self.new_branch());
                            sched.push(Task::SetCtx(c));
                            sched.push(Task::Block(b));
                        }
                    }
                }
                sched.push(Task::SetCtx(outer));
            }
            "delete_statement" => {
                for k in kid_iter(n) {
                    sched.push(Task::Del(k));
                }
            }
            "block" => sched.push(Task::Block(n)),
            _ => {
                // return, raise, assert, pass, print, exec, ...: walk expressions.
                for k in kid_iter(n) {
                    sched.push(Task::Expr(k));
                }
            }
        }
    }

    fn try_stmt<'t>(&mut self, n: Node<'t>, src: &'t str, sched: &mut Vec<Task<'t>>) {
        let outer = self.ctx;
        let mut handled = 0u8;
        let clauses = kids(n);
        for k in &clauses {
            if k.kind() == "except_clause" || k.kind() == "except_group_clause" {
                let ty =
                    field(*k, fid().value).or_else(|| kid_iter(*k).find(|c| c.kind() != "block"));
                if let Some(mut t) = ty {
                    if t.kind() == "as_pattern" {
                        t = t.named_child(0).unwrap_or(t);
                    }
                    let mut names = Vec::new();
                    if t.kind() == "tuple" || t.kind() == "parenthesized_expression" {
                        names.extend(kids(t));
                    } else {
                        names.push(t);
                    }
                    for e in names {
                        match txt_of(src, e) {
                            "NameError" | "builtins.NameError" => handled |= EXC_NAME_ERROR,
                            "ImportError"
                            | "ModuleNotFoundError"
                            | "builtins.ImportError"
                            | "builtins.ModuleNotFoundError" => handled |= EXC_IMPORT_ERROR,
                            _ => {}
                        }
                    }
                }
            }
        }
        let body_branch = self.new_branch();
        sched.push(Task::PushTry(outer.branch));
        let mut c = outer;
        c.branch = Some(body_branch);
        sched.push(Task::SetCtx(c));
        sched.push(Task::PushHandled(handled));
        if let Some(b) = field(n, fid().body) {
            sched.push(Task::Block(b));
        }
        sched.push(Task::PopHandled);
        for k in &clauses {
            match k.kind() {
                "except_clause" | "except_group_clause" => {
                    let mut hc = outer;
                    hc.branch = Some(self.new_branch());
                    hc.in_handler = true;
                    sched.push(Task::SetCtx(hc));
                    let v = field(*k, fid().value);
                    let mut name = None;
                    let mut ty = v;
                    if let Some(vv) = v
                        && vv.kind() == "as_pattern"
                    {
                        ty = vv.named_child(0);
                        name = field(vv, fid().alias)
                            .and_then(|a| a.named_child(0))
                            .filter(|i| i.kind() == "identifier");
                    }
                    if let Some(a) = field(*k, fid().alias).filter(|a| a.kind() == "identifier") {
                        name = Some(a);
                    }
                    if let Some(nm) = name {
                        sched.push(Task::ExceptBind(nm));
                    }
                    if let Some(t) = ty {
                        sched.push(Task::Expr(t));
                    }
                    for b in kid_iter(*k) {
                        if b.kind() == "block" {
                            sched.push(Task::Block(b));
                        }
                    }
                    if let Some(nm) = name {
                        sched.push(Task::ExceptUnbind(nm, None));
                    }
                }
                "else_clause" => {
                    let mut ec = outer;
                    ec.branch = Some(body_branch);
                    ec.in_orelse = true;
                    sched.push(Task::SetCtx(ec));
                    if let Some(b) = field(*k, fid().body) {
                        sched.push(Task::Block(b));
                    }
                }
                "finally_clause" => {
                    let mut fc = outer;
                    fc.branch = Some(self.new_branch());
                    sched.push(Task::SetCtx(fc));
                    for b in kid_iter(*k) {
                        if b.kind() == "block" {
                            sched.push(Task::Block(b));
                        }
                    }
                }
                _ => {}
            }
        }
        sched.push(Task::SetCtx(outer));
        sched.push(Task::PopTry);
    }

    fn definition<'t>(
        &mut self,
        def: Node<'t>,
        decorators: &[Node<'t>],
        src: &'t str,
        map: PosMap,
        sched: &mut Vec<Task<'t>>,
    ) {
        let outer = self.ctx;
        for d in decorators {
            sched.push(Task::Expr(*d));
        }
        let Some(name) = field(def, fid().name) else {
            return;
        };
        let sp = self.node_span(map, def);
        let def_name = txt_of(src, name).to_string();
        if def.kind() == "function_definition" {
            let params = field(def, fid().parameters);
            let mut annotations = Vec::new();
            if let Some(p) = params {
                for k in kid_iter(p) {
                    if let Some(v) = field(k, fid().value) {
                        sched.push(Task::Expr(v));
                    }
                    if let Some(t) = field(k, fid().type_) {
                        annotations.push(t);
                    }
                }
            }
            let mut parent = outer.scope;
            if self.scopes[outer.scope as usize].kind == SemScopeKind::Class {
                let cell = self.new_scope(SemScopeKind::ClassCell, Some(parent), None, sp);
                let b = self.push_binding("__class__", sp, BindingKind::ClassCell, cell);
                self.add_raw("__class__", b, cell);
                parent = cell;
            }
            let tscope = self.new_scope(SemScopeKind::TypeParams, Some(parent), None, sp);
            let mut tc = outer;
            tc.scope = tscope;
            sched.push(Task::SetCtx(tc));
            if let Some(tp) = field(def, fid().type_parameters) {
                sched.push(Task::TypeParams(tp));
            }
            for a in annotations {
                sched.push(Task::Annotation(a));
            }
            if let Some(r) = field(def, fid().return_type) {
                sched.push(Task::Annotation(r));
            }
            let fscope = self.new_scope(SemScopeKind::Function, Some(tscope), Some(def_name), sp);
            let mut fc = outer;
            fc.scope = fscope;
            fc.in_handler = false;
            fc.annotation = false;
            fc.literal = false;
            sched.push(Task::DeferFunction(def, fc));
            sched.push(Task::SetCtx(outer));
            let overload = decorators.iter().any(|d| decorator_is_overload(src, *d));
            sched.push(Task::BindDef {
                name,
                kind: BindingKind::Function,
                overload,
            });
        } else {
            let tscope = self.new_scope(SemScopeKind::TypeParams, Some(outer.scope), None, sp);
            let mut tc = outer;
            tc.scope = tscope;
            sched.push(Task::SetCtx(tc));
            if let Some(tp) = field(def, fid().type_parameters) {
                sched.push(Task::TypeParams(tp));
            }
            if let Some(sup) = field(def, fid().superclasses) {
                if self.opts.is_stub && !self.ctx.deferred_typedef {
                    sched.push(Task::DeferBases(sup));
                } else {
                    sched.push(Task::Expr(sup));
                }
            }
            let cscope = self.new_scope(SemScopeKind::Class, Some(tscope), Some(def_name), sp);
            let mut cc = outer;
            cc.scope = cscope;
            cc.in_handler = false;
            sched.push(Task::SetCtx(cc));
            if let Some(body) = field(def, fid().body) {
                // `global` declarations in the class body.
                self.declare_globals(body, src, map);
                sched.push(Task::Block(body));
            }
            sched.push(Task::SetCtx(outer));
            sched.push(Task::BindDef {
                name,
                kind: BindingKind::Class,
                overload: false,
            });
        }
    }

    fn assignment<'t>(
        &mut self,
        n: Node<'t>,
        src: &'t str,
        _map: PosMap,
        sched: &mut Vec<Task<'t>>,
    ) {
        let mut targets = Vec::new();
        let mut cur = n;
        let ann = field(n, fid().type_);
        let mut value = None;
        loop {
            if let Some(l) = field(cur, fid().left) {
                targets.push(l);
            }
            match field(cur, fid().right) {
                Some(r) if r.kind() == "assignment" && field(r, fid().type_).is_none() => cur = r,
                Some(r) => {
                    value = Some(r);
                    break;
                }
                None => break,
            }
        }
        if let Some(a) = ann {
            sched.push(Task::Annotation(a));
        }
        let type_alias = ann.is_some_and(|a| {
            let inner = if a.kind() == "type" {
                a.named_child(0).unwrap_or(a)
            } else {
                a
            };
            self.qualified_name(inner, src)
                .is_some_and(|q| q == "typing.TypeAlias" || q == "typing_extensions.TypeAlias")
        });
        if let Some(v) = value {
            if type_alias {
                // `X: TypeAlias = "..."`: the value is a type definition.
                sched.push(Task::TypeDef(v));
            } else {
                sched.push(Task::Expr(v));
            }
        }
        let is_all = self.ctx.scope == 0
            && targets
                .first()
                .is_some_and(|t| t.kind() == "identifier" && txt_of(src, *t) == "__all__");
        for t in targets {
            if is_all
                && t.kind() == "identifier"
                && let Some(v) = value
            {
                sched.push(Task::Export(t, v));
                continue;
            }
            let kind = if ann.is_some() && value.is_none() {
                BindingKind::Annotation
            } else {
                BindingKind::Assignment
            };
            sched.push(Task::Store(t, kind));
        }
    }

    fn store<'t>(
        &mut self,
        n: Node<'t>,
        kind: BindingKind,
        src: &'t str,
        map: PosMap,
        sched: &mut Vec<Task<'t>>,
    ) {
        match n.kind() {
            "identifier" => {
                let name = txt_of(src, n);
                if name.is_empty() {
                    return;
                }
                let span = self.node_span(map, n);
                self.add_binding(name, span, kind);
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "expression_list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "list_splat"
            | "pattern" => {
                for k in kid_iter(n) {
                    sched.push(Task::Store(k, kind));
                }
            }
            "attribute" => {
                if let Some(o) = field(n, fid().object) {
                    sched.push(Task::Expr(o));
                }
            }
            "subscript" => {
                for k in kid_iter(n) {
                    sched.push(Task::Expr(k));
                }
            }
            _ => sched.push(Task::Expr(n)),
        }
    }

    fn pattern<'t>(&mut self, n: Node<'t>, src: &'t str, map: PosMap, sched: &mut Vec<Task<'t>>) {
        match n.kind() {
            "dotted_name" => {
                let ids = kids(n);
                if ids.len() == 1 {
                    let name = txt_of(src, ids[0]);
                    if name != "_" {
                        let span = self.node_span(map, ids[0]);
                        self.add_binding(name, span, BindingKind::Match);
                    }
                } else if let Some(first) = ids.first() {
                    sched.push(Task::Expr(*first));
                }
            }
            "class_pattern" => {
                for (i, k) in kid_iter(n).enumerate() {
                    if i == 0 && k.kind() == "dotted_name" {
                        if let Some(first) = k.named_child(0) {
                            sched.push(Task::Expr(first));
                        }
                    } else {
                        sched.push(Task::Pattern(k));
                    }
                }
            }
            "keyword_pattern" => {
                for (i, k) in kid_iter(n).enumerate() {
                    if i == 0 && k.kind() == "identifier" {
                        continue;
                    }
                    sched.push(Task::Pattern(k));
                }
            }
            "as_pattern" => {
                let ks = kids(n);
                let alias = ks.iter().rev().find(|k| k.kind() == "identifier").copied();
                if let Some(a) = alias {
                    let name = txt_of(src, a);
                    let span = self.node_span(map, a);
                    self.add_binding(name, span, BindingKind::Match);
                }
                for k in ks {
                    if Some(k) != alias {
                        sched.push(Task::Pattern(k));
                    }
                }
            }
            "splat_pattern" => {
                if let Some(id) = n.named_child(0).filter(|i| i.kind() == "identifier") {
                    let name = txt_of(src, id);
                    if name != "_" {
                        let span = self.node_span(map, id);
                        self.add_binding(name, span, BindingKind::Match);
                    }
                }
            }
            "identifier" => {
                let name = txt_of(src, n);
                if name != "_" {
                    let span = self.node_span(map, n);
                    self.add_binding(name, span, BindingKind::Match);
                }
            }
            "string"
            | "concatenated_string"
            | "integer"
            | "float"
            | "complex_pattern"
            | "true"
            | "false"
            | "none" => {}
            _ => {
                for k in kid_iter(n) {
                    sched.push(Task::Pattern(k));
                }
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn expr<'t>(
        &mut self,
        n: Node<'t>,
        src: &'t str,
        map: PosMap,
        _q: &mut Queues<'t>,
        sched: &mut Vec<Task<'t>>,
    ) {
        if n.is_error() {
            return;
        }
        match n.kind() {
            "identifier" => {
                let span = self.node_span(map, n);
                self.load(txt_of(src, n), span);
            }
            "attribute" => {
                if let Some(o) = field(n, fid().object) {
                    sched.push(Task::Expr(o));
                }
            }
            "keyword_argument" => {
                if let Some(v) = field(n, fid().value) {
                    sched.push(Task::Expr(v));
                }
            }
            "string" => {
                // Strings in type definitions (also nested in string annotations) are parsed.
                if self.ctx.annotation && !self.ctx.literal {
                    let c = self.ctx;
                    self.defer_string(n, src, map, c);
                    return;
                }
                for k in kid_iter(n) {
                    if k.kind() == "interpolation" {
                        sched.push(Task::Expr(k));
                    }
                }
            }
            "concatenated_string" if self.ctx.annotation && !self.ctx.literal => {
                let c = self.ctx;
                self.defer_concatenated(n, src, map, c);
            }
            "interpolation" | "format_specifier" | "format_expression" => {
                for k in kid_iter(n) {
                    if !matches!(k.kind(), "type_conversion") {
                        sched.push(Task::Expr(k));
                    }
                }
            }
            "subscript"
                if !self.ctx.annotation
                    && field(n, fid().value).is_some_and(|v| self.is_typing_generic(v, src)) =>
            {
                // `Union[X, "Y"]` at runtime: the slice is a type definition (Ruff).
                if let Some(v) = field(n, fid().value) {
                    sched.push(Task::Expr(v));
                }
                for sub in fields(n, fid().subscript) {
                    sched.push(Task::TypeDef(sub));
                }
            }
            "subscript" | "generic_type" if self.ctx.annotation => {
                let (value, subs) = if n.kind() == "subscript" {
                    (field(n, fid().value), fields(n, fid().subscript))
                } else {
                    let ks = kids(n);
                    let subs = ks
                        .iter()
                        .filter(|k| k.kind() == "type_parameter")
                        .flat_map(|k| kids(*k))
                        .collect();
                    (ks.first().copied(), subs)
                };
                let q = value
                    .and_then(|v| self.qualified_name(v, src))
                    .unwrap_or_default();
                let member = q
                    .strip_prefix("typing.")
                    .or(q.strip_prefix("typing_extensions."));
                if let Some(v) = value {
                    sched.push(Task::Expr(v));
                }
                let saved = self.ctx;
                if member == Some("Literal") {
                    let mut c = saved;
                    c.literal = true;
                    sched.push(Task::SetCtx(c));
                    for s in subs {
                        sched.push(Task::Expr(s));
                    }
                    sched.push(Task::SetCtx(saved));
                } else if member == Some("Annotated") {
                    let mut all = Vec::new();
                    for s in subs {
                        if s.kind() == "tuple" || s.kind() == "expression_list" {
                            all.extend(kids(s));
                        } else {
                            all.push(s);
                        }
                    }
                    if let Some(first) = all.first() {
                        sched.push(Task::Expr(*first));
                    }
                    let mut c = saved;
                    c.literal = true;
                    sched.push(Task::SetCtx(c));
                    for s in all.iter().skip(1) {
                        sched.push(Task::Expr(*s));
                    }
                    sched.push(Task::SetCtx(saved));
                } else {
                    for s in subs {
                        sched.push(Task::Expr(s));
                    }
                }
            }
            "lambda" => {
                let outer = self.ctx;
                if let Some(p) = field(n, fid().parameters) {
                    for k in kid_iter(p) {
                        if let Some(v) = field(k, fid().value) {
                            sched.push(Task::Expr(v));
                        }
                    }
                }
                let sp = self.node_span(map, n);
                let ls = self.new_scope(SemScopeKind::Lambda, Some(outer.scope), None, sp);
                let mut c = outer;
                c.scope = ls;
                sched.push(Task::DeferLambda(n, c));
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                let outer = self.ctx;
                let body = field(n, fid().body);
                let clauses: Vec<Node> = kids(n)
                    .into_iter()
                    .filter(|k| k.kind() == "for_in_clause" || k.kind() == "if_clause")
                    .collect();
                let sp = self.node_span(map, n);
                let cs = self.new_scope(SemScopeKind::Comprehension, Some(outer.scope), None, sp);
                let mut c = outer;
                c.scope = cs;
                let mut first = true;
                for cl in clauses {
                    if cl.kind() == "for_in_clause" {
                        for r in fields(cl, fid().right) {
                            sched.push(Task::Expr(r));
                        }
                        if first {
                            sched.push(Task::SetCtx(c));
                            first = false;
                        }
                        if let Some(l) = field(cl, fid().left) {
                            sched.push(Task::Store(l, BindingKind::Assignment));
                        }
                    } else {
                        if first {
                            sched.push(Task::SetCtx(c));
                            first = false;
                        }
                        for k in kid_iter(cl) {
                            sched.push(Task::Expr(k));
                        }
                    }
                }
                if first {
                    sched.push(Task::SetCtx(c));
                }
                if let Some(b) = body {
                    sched.push(Task::Expr(b));
                }
                sched.push(Task::SetCtx(outer));
            }
            "named_expression" => {
                if let Some(v) = field(n, fid().value) {
                    sched.push(Task::Expr(v));
                }
                if let Some(nm) = field(n, fid().name) {
                    sched.push(Task::Store(nm, BindingKind::Walrus));
                }
            }
            "call" => {
                let f = field(n, fid().function);
                if let Some(f) = f {
                    sched.push(Task::Expr(f));
                }
                if let Some(args) =
                    field(n, fid().arguments).filter(|a| a.kind() != "argument_list")
                {
                    sched.push(Task::Expr(args));
                } else if let Some(args) = field(n, fid().arguments) {
                    let mut q = self.qbuf.take();
                    if let Some(f) = f {
                        self.qualified_name_into(f, src, &mut q);
                    } else {
                        q.clear();
                    }
                    let member = q
                        .strip_prefix("typing.")
                        .or(q.strip_prefix("typing_extensions."))
                        .unwrap_or("");
                    let mypy_arg = matches!(
                        q.strip_prefix("mypy_extensions."),
                        Some(
                            "Arg"
                                | "DefaultArg"
                                | "NamedArg"
                                | "DefaultNamedArg"
                                | "VarArg"
                                | "KwArg"
                        )
                    );
                    let has_positional = kid_iter(args).any(|a| a.kind() != "keyword_argument");
                    // Call arguments are runtime values, even inside a type definition,
                    // except the type arguments of typing's special forms.
                    let saved = self.ctx;
                    let mut runtime = saved;
                    runtime.annotation = false;
                    runtime.literal = false;
                    let mut pos = 0;
                    for a in kid_iter(args) {
                        let (kw, value) = if a.kind() == "keyword_argument" {
                            (
                                field(a, fid().name).map(|k| txt_of(src, k)),
                                field(a, fid().value).unwrap_or(a),
                            )
                        } else {
                            (None, a)
                        };
                        let typedef = match (member, kw) {
                            ("cast", None) => pos == 0,
                            ("cast", Some(k)) => k == "typ",
                            ("NewType", None) => pos == 1,
                            ("NewType", Some(k)) => k == "tp",
                            ("TypeVar", None) => pos >= 1,
                            ("TypeVar", Some(k)) => matches!(k, "bound" | "default"),
                            ("TypeAliasType", None) => pos == 1,
                            ("TypeAliasType", Some(k)) => matches!(k, "value" | "type_params"),
                            ("NamedTuple", Some(_)) | ("TypedDict", Some(_)) => true,
                            _ if mypy_arg => match kw {
                                None => pos == 0,
                                Some(k) => !has_positional && k == "type",
                            },
                            _ => false,
                        };
                        let structured = kw.is_none()
                            && pos >= 1
                            && matches!(member, "NamedTuple" | "TypedDict");
                        if kw.is_none() {
                            pos += 1;
                        }
                        if structured {
                            // Field types of the functional NamedTuple/TypedDict forms.
                            self.typed_fields(member, a, runtime, saved, sched);
                        } else if member == "NamedTuple" && a.kind() == "dictionary_splat" {
                            let d = a.named_child(0).filter(|d| d.kind() == "dictionary");
                            match d {
                                Some(d) => self.typed_fields("TypedDict", d, runtime, saved, sched),
                                None => {
                                    sched.push(Task::SetCtx(runtime));
                                    sched.push(Task::Expr(a));
                                    sched.push(Task::SetCtx(saved));
                                }
                            }
                        } else if typedef {
                            sched.push(Task::TypeDef(value));
                        } else if member == "TypedDict" && a.kind() == "dictionary_splat" {
                            sched.push(Task::TypeDef(a));
                        } else {
                            sched.push(Task::SetCtx(runtime));
                            sched.push(Task::Expr(a));
                            sched.push(Task::SetCtx(saved));
                        }
                    }
                    self.qbuf.replace(q);
                }
            }
            "conditional_expression" => {
                // Ruff visits the test first: `body if test else orelse`.
                let ks = kids(n);
                if ks.len() == 3 {
                    sched.push(Task::Expr(ks[1]));
                    sched.push(Task::Expr(ks[0]));
                    sched.push(Task::Expr(ks[2]));
                } else {
                    for k in ks {
                        sched.push(Task::Expr(k));
                    }
                }
            }
            "type" | "member_type" => {
                let ks = kids(n);
                if n.kind() == "member_type" {
                    if let Some(f) = ks.first() {
                        sched.push(Task::Expr(*f));
                    }
                } else {
                    for k in ks {
                        sched.push(Task::Expr(k));
                    }
                }
            }
            _ => {
                for k in kid_iter(n) {
                    sched.push(Task::Expr(k));
                }
            }
        }
    }
}

/// The nodes from a with-item's value down to the `as_pattern` that ends it, or nothing when
/// there is none. tree-sitter-python takes `with a if c else b as x:` as `a if c else (b as
/// x)` (and `with a or b as x:` likewise), where Python binds `x` to the whole expression.
fn trailing_as_pattern(v: Node) -> Vec<Node> {
    let mut path = vec![v];
    let mut cur = v;
    loop {
        if cur.kind() == "as_pattern" {
            return path;
        }
        if !matches!(
            cur.kind(),
            "conditional_expression"
                | "boolean_operator"
                | "binary_operator"
                | "comparison_operator"
                | "not_operator"
                | "unary_operator"
        ) {
            return Vec::new();
        }
        let Some(last) = (0..cur.named_child_count())
            .rev()
            .filter_map(|i| cur.named_child(i))
            .find(|k| !is_comment(*k))
        else {
            return Vec::new();
        };
        if last.end_byte() != cur.end_byte() {
            return Vec::new();
        }
        path.push(last);
        cur = last;
    }
}

fn dotted_text(src: &str, n: Node) -> String {
    if n.kind() == "dotted_name" {
        kids(n)
            .iter()
            .map(|k| txt_of(src, *k))
            .collect::<Vec<_>>()
            .join(".")
    } else {
        txt_of(src, n).to_string()
    }
}

/// Qualified names whose subscript Ruff treats as a type definition.
fn is_generic_name(q: &str) -> bool {
    let member = q.rsplit('.').next().unwrap_or("");
    if member == "Literal" || member == "Annotated" {
        return false;
    }
    q.starts_with("typing.")
        || q.starts_with("typing_extensions.")
        || q.starts_with("collections.abc.")
        || matches!(
            q,
            "builtins.list"
                | "builtins.dict"
                | "builtins.set"
                | "builtins.frozenset"
                | "builtins.tuple"
                | "builtins.type"
                | "collections.deque"
                | "collections.defaultdict"
                | "collections.OrderedDict"
                | "collections.Counter"
                | "collections.ChainMap"
        )
}

/// What the source right after a name does with it: `(` calls it, `.attr` reads an attribute,
/// `[` subscripts it (spaces and tabs between are allowed, as Python allows them).
fn usage_after(rest: &str) -> (Option<&'static str>, Option<String>) {
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.starts_with('(') {
        (Some("call"), None)
    } else if rest.starts_with('[') {
        (Some("subscript"), None)
    } else if let Some(after) = rest.strip_prefix('.') {
        let after = after.trim_start_matches([' ', '\t']);
        let attr: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if attr.is_empty() || attr.starts_with(|c: char| c.is_ascii_digit()) {
            (None, None)
        } else {
            (Some("attribute"), Some(attr))
        }
    } else {
        (None, None)
    }
}

#[cfg(test)]
mod usage_tests {
    use super::usage_after;

    #[test]
    fn what_follows_a_name_says_what_the_code_does_with_it() {
        assert_eq!(usage_after("(1, 2)"), (Some("call"), None));
        assert_eq!(usage_after(" (1)"), (Some("call"), None));
        assert_eq!(usage_after("[0]"), (Some("subscript"), None));
        assert_eq!(
            usage_after(".strptime(v)"),
            (Some("attribute"), Some("strptime".into()))
        );
        assert_eq!(
            usage_after(" . sleep"),
            (Some("attribute"), Some("sleep".into()))
        );
        // A float's dot, a comparison, the end of the text: nothing.
        assert_eq!(usage_after(".5"), (None, None));
        assert_eq!(usage_after(" == 1"), (None, None));
        assert_eq!(usage_after(""), (None, None));
        assert_eq!(usage_after("\n(x)"), (None, None));
    }
}
