//! The Unicode properties of a character beyond ASCII that the line shapes and the
//! normal form ask about, remembered per thread.
//!
//! The standard library answers a character outside its fast ranges (general punctuation
//! such as `’` and `—`, most scripts) in a few hundred instructions per question, and a
//! page asks about the same few characters again and again.

use std::cell::Cell;

use super::is_cjk;

/// What a character is, as the standard library says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CharClass {
    flags: u8,
    /// The lower case, when it is one character (all but `İ`).
    lower: Option<char>,
}

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const WHITESPACE: u8 = 4;
const UPPERCASE: u8 = 8;
const CJK: u8 = 16;

impl CharClass {
    /// The class of `c`, looked up in the standard library's tables.
    fn of(c: char) -> CharClass {
        let flag = |yes: bool, flag: u8| if yes { flag } else { 0 };
        let mut lower = c.to_lowercase();
        let first = lower.next();
        CharClass {
            flags: flag(c.is_alphabetic(), ALPHABETIC)
                | flag(c.is_numeric(), NUMERIC)
                | flag(c.is_whitespace(), WHITESPACE)
                | flag(c.is_uppercase(), UPPERCASE)
                | flag(is_cjk(c), CJK),
            lower: if lower.next().is_none() { first } else { None },
        }
    }

    /// `char::is_alphabetic`.
    pub(crate) fn alphabetic(self) -> bool {
        self.flags & ALPHABETIC != 0
    }

    /// `char::is_numeric`.
    pub(crate) fn numeric(self) -> bool {
        self.flags & NUMERIC != 0
    }

    /// `char::is_alphanumeric` (alphabetic or numeric).
    pub(crate) fn alphanumeric(self) -> bool {
        self.flags & (ALPHABETIC | NUMERIC) != 0
    }

    /// `char::is_whitespace`.
    pub(crate) fn whitespace(self) -> bool {
        self.flags & WHITESPACE != 0
    }

    /// `char::is_uppercase`.
    pub(crate) fn uppercase(self) -> bool {
        self.flags & UPPERCASE != 0
    }

    /// [`is_cjk`].
    pub(crate) fn cjk(self) -> bool {
        self.flags & CJK != 0
    }

    /// Calls `f` with each character of the lower case of `c` (the character this class
    /// is of), as `char::to_lowercase` gives them.
    pub(crate) fn each_lower(self, c: char, mut f: impl FnMut(char)) {
        match self.lower {
            Some(lower) => f(lower),
            None => c.to_lowercase().for_each(f),
        }
    }
}

/// The classes last asked for on this thread, by the low byte of the character.
struct Seen {
    /// The character of each entry (`u32::MAX`, no character, while it is empty).
    chars: [Cell<u32>; 256],
    classes: [Cell<CharClass>; 256],
}

thread_local! {
    static SEEN: Seen = const {
        Seen {
            chars: [const { Cell::new(u32::MAX) }; 256],
            classes: [const { Cell::new(CharClass { flags: 0, lower: None }) }; 256],
        }
    };
}

/// The class of `c`: remembered when this thread asked for it last, else looked up.
pub(crate) fn class_of(c: char) -> CharClass {
    SEEN.with(|seen| {
        let at = (c as u32 & 0xFF) as usize;
        if seen.chars[at].get() == c as u32 {
            return seen.classes[at].get();
        }
        let class = CharClass::of(c);
        seen.chars[at].set(c as u32);
        seen.classes[at].set(class);
        class
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_has_the_standard_librarys_class_remembered_or_not() {
        let check = |c: char| {
            let class = class_of(c);
            assert_eq!(class.alphabetic(), c.is_alphabetic(), "{c:?}");
            assert_eq!(class.numeric(), c.is_numeric(), "{c:?}");
            assert_eq!(class.alphanumeric(), c.is_alphanumeric(), "{c:?}");
            assert_eq!(class.whitespace(), c.is_whitespace(), "{c:?}");
            assert_eq!(class.uppercase(), c.is_uppercase(), "{c:?}");
            assert_eq!(class.cjk(), is_cjk(c), "{c:?}");
            let mut lower = String::new();
            class.each_lower(c, |l| lower.push(l));
            assert_eq!(lower, c.to_lowercase().collect::<String>(), "{c:?}");
        };
        let all: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        // Looked up, then remembered (each right after the first), then in another
        // order, so that entries are replaced by characters of the same low byte.
        for &c in &all {
            check(c);
            check(c);
        }
        for &c in all.iter().rev().step_by(3) {
            check(c);
        }
    }
}
