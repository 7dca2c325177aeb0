//! codefacts: a Python repository as a queryable database of code facts.
//! See docs/architecture.md for the code map and its invariants.

pub mod facts;
pub mod resolve;
pub mod semantic;
pub mod syntax;
