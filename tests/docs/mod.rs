//! The documentation is tested: the default-pack reference is generated from the packs,
//! and every shell example of the Markdown files runs.

mod default_pack;
mod help;
mod shell;
