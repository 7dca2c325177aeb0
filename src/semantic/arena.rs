//! A compact copy of the named nodes of a syntax tree, made by one cursor walk.
//!
//! Navigating a tree-sitter tree through the FFI is expensive (every step re-enters the C
//! cursor, which also steps through hidden nodes), and the semantic passes look at most nodes
//! several times (children lists, field lookups). [`Arena::build`] walks the tree once and keeps
//! what those passes read: the kind, field, byte range and parent/child/sibling links of every
//! named node. Anonymous nodes (punctuation, keywords) are left out, as are their descendants:
//! tree-sitter's `named_children` never reaches them either. [`Node`] offers the small subset
//! of `tree_sitter::Node`'s API the passes use, answered from plain arrays.

use std::sync::OnceLock;

use tree_sitter::{Language, Tree};

const NONE: u32 = u32::MAX;
/// Kind id tree-sitter gives ERROR nodes.
const ERROR_KIND: u16 = u16::MAX;

#[derive(Debug, Clone, Copy)]
struct Data {
    kind: u16,
    /// Field id in the parent (0: none).
    field: u16,
    start: u32,
    end: u32,
    parent: u32,
    first_child: u32,
    next_sibling: u32,
}

/// Appends the children of the string node `idx` spanning `start..end` when it is a plain
/// (not f/t) string: `string_start` (prefix and quotes), `string_content` (unless empty),
/// `string_end`. Returns false, appending nothing, for any other shape.
fn derive_string_parts(
    nodes: &mut Vec<Data>,
    idx: u32,
    text: &str,
    start: usize,
    end: usize,
) -> bool {
    let Some(b) = text.as_bytes().get(start..end) else {
        return false;
    };
    let plen = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if b[..plen]
        .iter()
        .any(|c| matches!(c.to_ascii_lowercase(), b'f' | b't'))
    {
        return false;
    }
    let Some(&q) = b.get(plen) else {
        return false;
    };
    if q != b'"' && q != b'\'' {
        return false;
    }
    let qlen = if b.len() >= plen + 6 && b[plen + 1] == q && b[plen + 2] == q {
        3
    } else {
        1
    };
    if b.len() < plen + 2 * qlen || b[b.len() - qlen..].iter().any(|&c| c != q) {
        return false;
    }
    let content = (start + plen + qlen, end - qlen);
    // tree-sitter's scanner splits raw strings at backslashes in its own way: walk those.
    let raw = b[..plen].iter().any(|c| c.eq_ignore_ascii_case(&b'r'));
    if raw && text.as_bytes()[content.0..content.1].contains(&b'\\') {
        return false;
    }
    let k = kinds();
    let mut parts = vec![(k.string_start, start, start + plen + qlen)];
    if content.1 > content.0 {
        parts.push((k.string_content, content.0, content.1));
    }
    parts.push((k.string_end, end - qlen, end));
    let first = nodes.len() as u32;
    let count = parts.len() as u32;
    for (i, (kind, s, e)) in parts.into_iter().enumerate() {
        let i = i as u32;
        nodes.push(Data {
            kind,
            field: 0,
            start: s as u32,
            end: e as u32,
            parent: idx,
            first_child: NONE,
            next_sibling: if i + 1 < count { first + i + 1 } else { NONE },
        });
    }
    nodes[idx as usize].first_child = first;
    true
}

/// Named nodes in pre-order (index 0 is the root).
#[derive(Debug)]
pub struct Arena {
    nodes: Vec<Data>,
    root_has_error: bool,
}

fn kind_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        // Kind names live as long as the language: keep it for the life of the program.
        let lang: &'static Language = Box::leak(Box::new(tree_sitter_python::LANGUAGE.into()));
        (0..lang.node_kind_count() as u16)
            .map(|id| lang.node_kind_for_id(id).unwrap_or(""))
            .collect()
    })
}

/// Per kind id: 1 = named, 2 = always a leaf (a token: never has children).
fn kind_flags() -> &'static [u8] {
    static FLAGS: OnceLock<Vec<u8>> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let lang: Language = tree_sitter_python::LANGUAGE.into();
        let leaves = [
            "identifier",
            "integer",
            "float",
            "true",
            "false",
            "none",
            "comment",
        ];
        (0..lang.node_kind_count() as u16)
            .map(|id| {
                let named = lang.node_kind_is_named(id);
                let leaf = named && leaves.contains(&lang.node_kind_for_id(id).unwrap_or(""));
                u8::from(named) | (u8::from(leaf) << 1)
            })
            .collect()
    })
}

macro_rules! field_table {
    ($($field:ident = $name:literal;)*) => {
        /// Field ids of tree-sitter-python, resolved once (0 when absent, which never matches).
        pub struct Fields {
            $(pub $field: u16,)*
        }

        impl Fields {
            fn resolve(lang: &Language) -> Fields {
                Fields {
                    $($field: lang.field_id_for_name($name).map_or(0, |f| f.get()),)*
                }
            }

            #[cfg(test)]
            fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$(($name, self.$field),)*]
            }
        }
    };
}

field_table! {
    alias = "alias";
    alternative = "alternative";
    arguments = "arguments";
    body = "body";
    condition = "condition";
    consequence = "consequence";
    definition = "definition";
    function = "function";
    guard = "guard";
    key = "key";
    left = "left";
    module_name = "module_name";
    name = "name";
    object = "object";
    parameters = "parameters";
    return_type = "return_type";
    right = "right";
    subject = "subject";
    subscript = "subscript";
    superclasses = "superclasses";
    type_ = "type";
    type_parameters = "type_parameters";
    value = "value";
}

macro_rules! kind_table {
    ($($field:ident = $name:literal;)*) => {
        /// Named node kind ids of tree-sitter-python, resolved once.
        pub struct Kinds {
            $(pub $field: u16,)*
        }

        impl Kinds {
            fn resolve(lang: &Language) -> Kinds {
                Kinds {
                    $($field: lang.id_for_node_kind($name, true),)*
                }
            }

            #[cfg(test)]
            fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$(($name, self.$field),)*]
            }
        }
    };
}

kind_table! {
    block = "block";
    class_definition = "class_definition";
    decorated_definition = "decorated_definition";
    function_definition = "function_definition";
    global_statement = "global_statement";
    comment = "comment";
    default_parameter = "default_parameter";
    except_clause = "except_clause";
    exec_statement = "exec_statement";
    finally_clause = "finally_clause";
    integer = "integer";
    lambda_parameters = "lambda_parameters";
    module = "module";
    parameters = "parameters";
    print_statement = "print_statement";
    string = "string";
    string_content = "string_content";
    string_end = "string_end";
    string_start = "string_start";
    try_statement = "try_statement";
    tuple_pattern = "tuple_pattern";
}

/// The kind ids, resolved on first use.
pub fn kinds() -> &'static Kinds {
    static K: OnceLock<Kinds> = OnceLock::new();
    K.get_or_init(|| Kinds::resolve(&tree_sitter_python::LANGUAGE.into()))
}

/// The field ids, resolved on first use.
pub fn fields() -> &'static Fields {
    static F: OnceLock<Fields> = OnceLock::new();
    F.get_or_init(|| Fields::resolve(&tree_sitter_python::LANGUAGE.into()))
}

impl Arena {
    /// Copies the named nodes of `tree`, a parse of `text` (one iterative walk, no recursion).
    ///
    /// Strings without interpolations are not entered: their `string_start`,
    /// `string_content` and `string_end` children are derived from the text (the
    /// `escape_sequence` nodes inside the content are left out; no pass reads them).
    pub fn build(tree: &Tree, text: &str) -> Arena {
        Self::build_with(tree, text, true)
    }

    fn build_with(tree: &Tree, text: &str, derive_strings: bool) -> Arena {
        let string = kinds().string;
        let flags = kind_flags();
        let root = tree.root_node();
        let mut nodes: Vec<Data> = Vec::with_capacity(root.end_byte() / 6 + 16);
        nodes.push(Data {
            kind: root.kind_id(),
            field: 0,
            start: root.start_byte() as u32,
            end: root.end_byte() as u32,
            parent: NONE,
            first_child: NONE,
            next_sibling: NONE,
        });
        // Per recorded ancestor on the cursor's path: (arena index, last child recorded).
        let mut stack: Vec<(u32, u32)> = vec![(0, NONE)];
        let mut cursor = tree.walk();
        if cursor.goto_first_child() {
            'walk: loop {
                let node = cursor.node();
                let kind = node.kind_id();
                // ERROR nodes have a kind id outside the table (and are named).
                let kflags = flags.get(kind as usize).copied().unwrap_or(1);
                if kflags & 1 != 0 {
                    let idx = nodes.len() as u32;
                    let (parent, last) = *stack.last().expect("root stays on the stack");
                    let (start, end) = (node.start_byte(), node.end_byte());
                    nodes.push(Data {
                        kind,
                        field: cursor.field_id().map_or(0, |f| f.get()),
                        start: start as u32,
                        end: end as u32,
                        parent,
                        first_child: NONE,
                        next_sibling: NONE,
                    });
                    if last == NONE {
                        nodes[parent as usize].first_child = idx;
                    } else {
                        nodes[last as usize].next_sibling = idx;
                    }
                    stack.last_mut().expect("root stays on the stack").1 = idx;
                    let leaf = kflags & 2 != 0
                        || (derive_strings
                            && kind == string
                            && !node.has_error()
                            && derive_string_parts(&mut nodes, idx, text, start, end));
                    if !leaf && cursor.goto_first_child() {
                        stack.push((idx, NONE));
                        continue;
                    }
                }
                loop {
                    if cursor.goto_next_sibling() {
                        continue 'walk;
                    }
                    if !cursor.goto_parent() {
                        break 'walk;
                    }
                    stack.pop();
                    if stack.is_empty() {
                        break 'walk;
                    }
                }
            }
        }
        Arena {
            nodes,
            root_has_error: root.has_error(),
        }
    }

    pub fn root(&self) -> Node<'_> {
        Node { a: self, i: 0 }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, i: usize) -> Node<'_> {
        Node {
            a: self,
            i: i as u32,
        }
    }

    /// One past the last pre-order index of `i`'s subtree.
    pub fn subtree_end(&self, i: usize) -> usize {
        let mut j = i as u32;
        loop {
            let d = &self.nodes[j as usize];
            if d.next_sibling != NONE {
                return d.next_sibling as usize;
            }
            if d.parent == NONE {
                return self.nodes.len();
            }
            j = d.parent;
        }
    }

    /// Every named node, in pre-order.
    pub fn iter(&self) -> impl Iterator<Item = Node<'_>> {
        (0..self.nodes.len() as u32).map(move |i| Node { a: self, i })
    }
}

/// A named node of an [`Arena`].
#[derive(Clone, Copy)]
pub struct Node<'t> {
    a: &'t Arena,
    i: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.a, other.a) && self.i == other.i
    }
}

impl Eq for Node<'_> {}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}..{}",
            self.kind(),
            self.start_byte(),
            self.end_byte()
        )
    }
}

impl<'t> Node<'t> {
    #[inline]
    fn d(self) -> &'t Data {
        &self.a.nodes[self.i as usize]
    }

    #[inline]
    fn at(self, i: u32) -> Option<Node<'t>> {
        (i != NONE).then_some(Node { a: self.a, i })
    }

    /// Unique within the arena.
    #[inline]
    pub fn id(self) -> usize {
        self.i as usize
    }

    #[inline]
    pub fn kind_id(self) -> u16 {
        self.d().kind
    }

    #[inline]
    pub fn kind(self) -> &'static str {
        let k = self.d().kind;
        if k == ERROR_KIND {
            return "ERROR";
        }
        kind_names().get(k as usize).copied().unwrap_or("")
    }

    #[inline]
    pub fn is_error(self) -> bool {
        self.d().kind == ERROR_KIND
    }

    /// Only meaningful for the root: the tree has ERROR or MISSING nodes.
    pub fn has_error(self) -> bool {
        self.a.root_has_error
    }

    #[inline]
    pub fn start_byte(self) -> usize {
        self.d().start as usize
    }

    #[inline]
    pub fn end_byte(self) -> usize {
        self.d().end as usize
    }

    #[inline]
    pub fn byte_range(self) -> std::ops::Range<usize> {
        self.start_byte()..self.end_byte()
    }

    #[inline]
    pub fn parent(self) -> Option<Node<'t>> {
        self.at(self.d().parent)
    }

    #[inline]
    pub fn named_children(self) -> Children<'t> {
        Children {
            a: self.a,
            next: self.d().first_child,
        }
    }

    pub fn named_child(self, i: usize) -> Option<Node<'t>> {
        self.named_children().nth(i)
    }

    pub fn named_child_count(self) -> usize {
        self.named_children().count()
    }

    /// A `global` statement sits in this subtree outside nested function and class
    /// definitions and outside ERROR nodes (one scan of the pre-order array).
    pub fn has_global_statement(self) -> bool {
        let k = kinds();
        let end = self.a.subtree_end(self.i as usize);
        let mut i = self.i as usize + 1;
        while i < end {
            let kind = self.a.nodes[i].kind;
            if kind == k.global_statement {
                return true;
            }
            if kind == ERROR_KIND
                || kind == k.function_definition
                || kind == k.class_definition
                || kind == k.decorated_definition
            {
                i = self.a.subtree_end(i);
            } else {
                i += 1;
            }
        }
        false
    }

    /// First named child with this field id.
    #[inline]
    pub fn child_by_field(self, field: u16) -> Option<Node<'t>> {
        self.named_children().find(|k| k.d().field == field)
    }

    pub fn children_by_field(self, field: u16) -> impl Iterator<Item = Node<'t>> {
        self.named_children().filter(move |k| k.d().field == field)
    }
}

/// The named children of a node.
#[derive(Clone)]
pub struct Children<'t> {
    a: &'t Arena,
    next: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    #[inline]
    fn next(&mut self) -> Option<Node<'t>> {
        if self.next == NONE {
            return None;
        }
        let n = Node {
            a: self.a,
            i: self.next,
        };
        self.next = n.d().next_sibling;
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fields_resolve() {
        for (name, id) in fields().all() {
            assert_ne!(id, 0, "{name}");
        }
        for (name, id) in kinds().all() {
            assert_ne!(id, 0, "{name}");
        }
    }

    /// Deriving the parts of plain strings from the text gives the arena the walk would have
    /// built, less the `escape_sequence` nodes (escape sequences are leaves).
    fn assert_derived_strings_match(src: &str) {
        let tree = crate::syntax::parse_python(src, Duration::from_secs(5)).unwrap();
        let derived = Arena::build(&tree, src);
        let walked = Arena::build_with(&tree, src, false);
        let escape: u16 =
            Language::from(tree_sitter_python::LANGUAGE).id_for_node_kind("escape_sequence", true);
        let kept: Vec<Node> = walked.iter().filter(|n| n.kind_id() != escape).collect();
        let ours: Vec<Node> = derived.iter().filter(|n| n.kind_id() != escape).collect();
        assert_eq!(kept.len(), ours.len(), "{src}");
        for (w, d) in kept.iter().zip(&ours) {
            assert_eq!(
                (w.kind(), w.byte_range()),
                (d.kind(), d.byte_range()),
                "{src}"
            );
            assert_eq!(w.d().field, d.d().field);
            assert_eq!(
                w.parent().map(|p| p.byte_range()),
                d.parent().map(|p| p.byte_range())
            );
            let wk: Vec<_> = w
                .named_children()
                .filter(|k| k.kind_id() != escape)
                .map(|k| (k.kind(), k.byte_range()))
                .collect();
            let dk: Vec<_> = d
                .named_children()
                .filter(|k| k.kind_id() != escape)
                .map(|k| (k.kind(), k.byte_range()))
                .collect();
            assert_eq!(wk, dk, "{src}");
        }
    }

    #[test]
    fn derived_string_parts() {
        assert_derived_strings_match(
            "a = ''\nb = \"\"\nc = 'x\\n\\'y'\nd = r'\\d+' b'\\x00' Rb\"z\" u'\\u1234'\n\
             e = '''\nmulti\\\nline\n'''\nf = \"\"\"\"\"\"\ng = f'{h!r}' F'''{'x'}''' t'{i}'\n\
             j = 'caf\u{e9} \u{1F600}'\nk = ('a'\n     'b')\nl = 'unterminated\n",
        );
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures"
        ))];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "py" || x == "pyi") {
                    assert_derived_strings_match(&std::fs::read_to_string(&p).unwrap_or_default());
                }
            }
        }
    }

    /// The arena answers as tree-sitter does for every named node.
    #[test]
    fn mirrors_tree_sitter() {
        let src = "import os\nfrom . import (a as b, c)\n@d\ndef f(x: 'int' = 1, *a, **k) -> None:\n    \
                   return [y for y in x if y] + f'{x!r:>{w}}'\nclass C(B, metaclass=M):\n    x: int\n\
                   try:\n    pass\nexcept (E, F) as e:\n    pass\nfinally:\n    del a.b, c\n\
                   match p:\n    case [1, *r] if r: pass\nprint x\n";
        let tree = crate::syntax::parse_python(src, Duration::from_secs(5)).unwrap();
        let arena = Arena::build_with(&tree, src, false);
        let lang: Language = tree_sitter_python::LANGUAGE.into();
        let fids: Vec<u16> = (1..=lang.field_count() as u16).collect();
        // Pair arena nodes with tree-sitter's named nodes in pre-order.
        let mut ts = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            ts.push(n);
            let mut c = n.walk();
            let kids: Vec<_> = n.named_children(&mut c).collect();
            stack.extend(kids.into_iter().rev());
        }
        let ours: Vec<Node> = arena.iter().collect();
        assert_eq!(ts.len(), ours.len());
        for (t, o) in ts.iter().zip(&ours) {
            assert_eq!(t.kind(), o.kind());
            assert_eq!(t.is_error(), o.is_error());
            assert_eq!(t.byte_range(), o.byte_range());
            assert_eq!(t.named_child_count(), o.named_child_count());
            for (i, k) in o.named_children().enumerate() {
                assert_eq!(
                    t.named_child(i as u32).unwrap().byte_range(),
                    k.byte_range()
                );
                assert_eq!(k.parent().unwrap().id(), o.id());
            }
            for &f in &fids {
                let tf = t
                    .child_by_field_id(f)
                    // Fields inherited through an aliased child (`match` > `block` >
                    // `alternative`) are not modelled: the passes never read them.
                    .filter(|k| k.is_named() && k.parent() == Some(*t))
                    .map(|k| k.byte_range());
                assert_eq!(
                    tf,
                    o.child_by_field(f).map(|k| k.byte_range()),
                    "{} field {:?}",
                    t.kind(),
                    lang.field_name_for_id(f)
                );
            }
        }
    }
}
