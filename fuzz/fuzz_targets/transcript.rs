//! The transcript splitter and the phrase matcher of `forbidden_phrase` on arbitrary
//! UTF-8, with the default configuration (the regulation's phrases, allowed contexts and
//! customer labels).
//!
//! Invariants: no panic; turns point into the text; the normalised text maps back to
//! character boundaries in increasing order and is a fixed point; every finding's span is
//! the text it reports, on an existing line, and never spans a customer turn.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shouwen::rules::phrase::{normalize, split_turns, Matcher, PhraseConfig};

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| Matcher::new(&PhraseConfig::default()).expect("the default phrases compile"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let m = matcher();

    let turns = m.split_turns(text);
    for t in &turns {
        assert!(t.line >= 1);
        assert_eq!(
            text.get(t.text_start..t.text_start + t.text.len()),
            Some(t.text)
        );
    }
    let labels = PhraseConfig::default().customer_labels;
    assert_eq!(split_turns(text, &labels), turns);

    let (norm, offsets) = normalize(text);
    assert_eq!(norm.chars().count(), offsets.len());
    assert!(offsets.windows(2).all(|w| w[0] < w[1]));
    assert!(offsets
        .iter()
        .all(|&o| text.is_char_boundary(o) && o < text.len()));
    assert_eq!(
        normalize(&norm).0,
        norm,
        "normalising twice changes {text:?}"
    );

    let findings = m.find(text);
    assert_eq!(m.is_match(text), !findings.is_empty());
    for f in &findings {
        assert_eq!(text.get(f.start..f.end), Some(f.as_written.as_str()));
        assert!(f.line >= 1);
        let turn = turns
            .iter()
            .find(|t| f.start >= t.text_start && f.end <= t.text_start + t.text.len())
            .unwrap_or_else(|| panic!("finding {f:?} outside every turn of {text:?}"));
        assert!(!turn.is_customer, "finding in a customer turn: {f:?}");
        assert_eq!(turn.line, f.line);
        assert_eq!(turn.speaker, f.speaker);
    }
});
