//! codefacts: a Python repository as a queryable database of code facts.
//! See docs/architecture.md for the code map and its invariants.

pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod diagnostics;
pub mod facts;
pub mod files;
pub mod fix;
pub mod git;
pub mod graph;
pub mod indexer;
pub mod lint;
pub mod owners;
pub mod queries;
pub mod ratchet;
pub mod render;
pub mod resolve;
pub mod rewrite;
pub mod ruff_rules;
pub mod semantic;
pub mod store;
pub mod suggest;
pub mod syntax;
pub mod term;
