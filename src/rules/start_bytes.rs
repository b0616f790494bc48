//! The bytes a line can start with for a rule's pattern to match it, when every match
//! must begin at the start of the line (`^…`). A line starting with any other byte is
//! ruled out by one table lookup instead of a run of the pattern.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// One flag per byte value.
pub(crate) type ByteSet = [bool; 256];

/// The bytes a line must start with for `pattern` (a valid `regex::bytes` pattern) to
/// match it; `None` when matches need not start at the start of the line, or when the
/// pattern can match the empty string there.
pub(crate) fn start_bytes(pattern: &str) -> Option<Box<ByteSet>> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let mut set = Box::new([false; 256]);
    let may_be_empty = add_first_bytes(&hir, &mut set);
    (!may_be_empty).then_some(set)
}

/// Adds to `set` every byte a match of `hir` can begin with. Returns true if `hir` can
/// also match the empty string, in which case what follows it can begin a match too.
fn add_first_bytes(hir: &Hir, set: &mut ByteSet) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => {
            set[usize::from(literal.0[0])] = true;
            false
        }
        HirKind::Class(Class::Bytes(class)) => {
            for range in class.ranges() {
                set[usize::from(range.start())..=usize::from(range.end())].fill(true);
            }
            false
        }
        HirKind::Class(Class::Unicode(class)) => {
            // UTF-8 keeps code point order, so a range's lead bytes are contiguous.
            for range in class.ranges() {
                let (first, last) = (lead_byte(range.start()), lead_byte(range.end()));
                set[usize::from(first)..=usize::from(last)].fill(true);
            }
            false
        }
        HirKind::Repetition(repetition) => {
            add_first_bytes(&repetition.sub, set) || repetition.min == 0
        }
        HirKind::Capture(capture) => add_first_bytes(&capture.sub, set),
        HirKind::Concat(parts) => parts.iter().all(|part| add_first_bytes(part, set)),
        HirKind::Alternation(branches) => branches
            .iter()
            .fold(false, |empty, branch| add_first_bytes(branch, set) | empty),
    }
}

/// The first byte of a character's UTF-8 encoding.
fn lead_byte(c: char) -> u8 {
    let mut buffer = [0; 4];
    c.encode_utf8(&mut buffer).as_bytes()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of `start_bytes(pattern)`, for short assertions.
    fn bytes(pattern: &str) -> Option<Vec<u8>> {
        start_bytes(pattern).map(|set| (0..=255).filter(|&b| set[usize::from(b)]).collect())
    }

    #[test]
    fn anchored_patterns_give_their_first_bytes() {
        assert_eq!(bytes("^(?:One|No)\\s"), Some(b"NO".to_vec()));
        assert_eq!(bytes("(?i)^ab"), Some(b"Aa".to_vec()));
        assert_eq!(bytes("^x?y"), Some(b"xy".to_vec()));
        assert_eq!(bytes("^[0-2]|^z"), Some(b"012z".to_vec()));
        assert_eq!(bytes("^\\bq"), Some(b"q".to_vec()));
        assert_eq!(bytes("^é"), Some(vec![0xC3]));
        let digits = bytes("^\\d").unwrap();
        assert!(digits.contains(&b'7') && digits.contains(&0xD9) && !digits.contains(&b'a'));
    }

    #[test]
    fn other_patterns_give_none() {
        for pattern in ["a", "^a|b", "^", "^a*", "(?m)^a", "^(?:a|)", "[", "a$"] {
            assert_eq!(bytes(pattern), None, "{pattern}");
        }
    }
}
