//! The documentation is tested: the default-pack reference is generated from the packs.

mod default_pack;
