//! The default rule packs, embedded in the binary with `include_str!`.
//!
//! One file per family of boilerplate; the pack name (file stem) can be given to
//! `--disable` to switch a whole family off.

/// `(origin, TOML source)` of each embedded pack, in load order.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "rules/captions.toml",
        include_str!("../../rules/captions.toml"),
    ),
    ("rules/promo.toml", include_str!("../../rules/promo.toml")),
    (
        "rules/credits.toml",
        include_str!("../../rules/credits.toml"),
    ),
    (
        "rules/detectors.toml",
        include_str!("../../rules/detectors.toml"),
    ),
];
