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
    ("rules/share.toml", include_str!("../../rules/share.toml")),
    ("rules/ads.toml", include_str!("../../rules/ads.toml")),
    ("rules/legal.toml", include_str!("../../rules/legal.toml")),
    ("rules/nav.toml", include_str!("../../rules/nav.toml")),
    (
        "rules/subscribe.toml",
        include_str!("../../rules/subscribe.toml"),
    ),
    (
        "rules/comments.toml",
        include_str!("../../rules/comments.toml"),
    ),
    (
        "rules/detectors.toml",
        include_str!("../../rules/detectors.toml"),
    ),
];
