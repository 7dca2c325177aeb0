//! `return` / `yield` outside any function: at module level or in a class body, at any
//! nesting of compound statements or expressions (comprehensions included). The walker
//! calls these only when the current scope is not a function or lambda body.

use tree_sitter::Node;

use super::walk::{Ctx, Walker};
use super::{OutsideReturn, ReturnKind};

pub(super) fn on_return<'t>(w: &mut Walker<'t>, node: Node<'t>, ctx: &Ctx) {
    push(w, node, ctx, ReturnKind::Return);
}

pub(super) fn on_yield<'t>(w: &mut Walker<'t>, node: Node<'t>, ctx: &Ctx) {
    let from = node.child(1).is_some_and(|c| c.kind_id() == w.k.from_kw);
    let kind = if from {
        ReturnKind::YieldFrom
    } else {
        ReturnKind::Yield
    };
    push(w, node, ctx, kind);
}

fn push<'t>(w: &mut Walker<'t>, node: Node<'t>, ctx: &Ctx, kind: ReturnKind) {
    w.facts.outside_returns.push(OutsideReturn {
        kind,
        span: w.span(node),
        in_class: w.enclosing_class(ctx),
    });
}

#[cfg(test)]
mod tests {
    use crate::facts::ReturnKind;
    use crate::facts::tests::{facts_of, render};

    fn outside(src: &str) -> Vec<(ReturnKind, u32, Option<String>)> {
        facts_of(src)
            .outside_returns
            .into_iter()
            .map(|r| (r.kind, r.span.line, r.in_class))
            .collect()
    }

    #[test]
    fn module_level_at_any_depth() {
        use ReturnKind::*;
        let src = "\
return
yield 1
x = yield from g
if a:
    for b in c:
        while d:
            try:
                with e:
                    return 2
            except E:
                yield
match m:
    case 1:
        return
[(yield) for _ in y]
";
        assert_eq!(
            outside(src),
            vec![
                (Return, 1, None),
                (Yield, 2, None),
                (YieldFrom, 3, None),
                (Return, 9, None),
                (Yield, 11, None),
                (Return, 14, None),
                (Yield, 15, None),
            ]
        );
    }

    #[test]
    fn class_bodies_count_with_their_qualname() {
        use ReturnKind::*;
        let src = "\
class C:
    return 1
    class D:
        if x:
            yield
def f():
    class L:
        return
";
        assert_eq!(
            outside(src),
            vec![
                (Return, 2, Some("C".to_string())),
                (Yield, 5, Some("C.D".to_string())),
                (Return, 8, Some("f.<locals>.L".to_string())),
            ]
        );
    }

    #[test]
    fn functions_and_lambdas_are_not_outside() {
        let src = "\
def f():
    return 1
async def g():
    yield 1
    if x:
        for y in z:
            yield from y
class C:
    def m(self):
        return [(yield) for _ in x]
h = lambda: (yield)
k = [lambda: (yield) for _ in r]
def outer():
    def inner():
        return
    return inner
";
        assert_eq!(outside(src), vec![]);
    }

    #[test]
    fn parameter_defaults_and_decorators_are_evaluated_outside() {
        // Both run in the enclosing (here: module) scope, so Python rejects the yields.
        let src = "@(yield)\ndef f(a=(yield)):\n    return a\n";
        assert_eq!(
            outside(src),
            vec![(ReturnKind::Yield, 1, None), (ReturnKind::Yield, 2, None)]
        );
    }

    #[test]
    fn snapshot_returns() {
        let src = "\
if __name__ == '__main__':
    return main()
class Config:
    yield from defaults()
def fine():
    return 1
";
        insta::assert_yaml_snapshot!(render(&facts_of(src).outside_returns));
    }
}
