//! codefacts: a Python repository as a queryable database of code facts.
//! See docs/architecture.md for the code map and its invariants.

pub mod facts;
pub mod resolve;
pub mod semantic;
pub mod syntax;
pub mod config;
pub mod db;
pub mod files;
pub mod store;
pub mod indexer;
pub mod cli;
pub mod commands;
pub mod queries;
pub mod render;
