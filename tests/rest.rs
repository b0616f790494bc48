//! The `rest` action on real page shapes: a related-content heading that a mega-menu
//! repeats removes only its line, while the heading of a page's tail still takes the tail.

use boilerstrip::rules::{ModelSettings, Settings};
use boilerstrip::{Cleaner, RuleSet};

/// The default pack, and the default pack with the line scorer on (as `--scorer`).
fn both_paths() -> [(&'static str, RuleSet); 2] {
    let mut scoring = RuleSet::builtin();
    scoring
        .detectors_mut()
        .set(Settings::Model(ModelSettings::DEFAULT));
    [("default", RuleSet::builtin()), ("--scorer", scoring)]
}

/// The lines of `page` that `rules` keep, and the reasons of the removals.
fn clean(rules: &RuleSet, page: &str) -> (String, Vec<String>) {
    let cleaner = Cleaner::new(rules).unwrap();
    let cleaned = cleaner.clean(page.as_bytes());
    let kept = String::from_utf8(cleaned.kept().into_owned()).unwrap();
    let reasons = cleaned
        .removals()
        .iter()
        .map(|r| r.reason.as_str().to_owned())
        .collect();
    (kept, reasons)
}

const DESCRIPTION: &str = "This hutch is made of solid pine with a pull-out floor tray, so it is \
                           quick to clean, and the run below gives your rabbits room to move \
                           about whenever they like during the day.";
const DETAILS: &str = "The roof opens from above and the front door locks, and the whole hutch \
                       stands on feet that keep the floor dry on wet grass in the garden.";

/// A shop page whose mega-menu lists "You may also like" under each of its sections, in
/// the later half of the page, with the product's own description after the menu.
fn shop_page() -> String {
    let mut page = String::from("Pet Shop\nSign in\nBasket\n\n");
    for (section, items) in [
        ("Dogs", ["Dry food", "Leads", "Beds"]),
        ("Cats", ["Wet food", "Scratching posts", "Litter"]),
        ("Birds", ["Seed mixes", "Cages", "Perches"]),
        ("Fish", ["Aquariums", "Filters", "Plants"]),
        ("Reptiles", ["Terrariums", "Lamps", "Heat mats"]),
        ("Small pets", ["Hutches", "Hay", "Bedding"]),
        ("Horses", ["Saddles", "Brushes", "Feed"]),
        ("Ponds", ["Pumps", "Pond liners", "Fish food"]),
    ] {
        page.push_str(&format!("{section}\n"));
        for item in items {
            page.push_str(&format!("  * {item}\n"));
        }
        page.push_str("  * You may also like\n\n");
    }
    page.push_str(&format!(
        "Natura rabbit hutch with run\n\n{DESCRIPTION}\n\nProduct details:\n\n  * two floors\n  \
         * pine wood\n\n{DETAILS}\n\n© 2024 Pet Shop\n"
    ));
    page
}

#[test]
fn a_related_heading_repeated_by_a_menu_removes_only_its_line() {
    let page = shop_page();
    // The firings are in the later half, where the rule looks.
    let first_copy = page.find("You may also like").unwrap();
    assert!(page.rfind("You may also like").unwrap() * 2 > page.len());
    assert!(first_copy * 2 < page.len(), "copies before the half too");
    for (path, rules) in both_paths() {
        let (kept, reasons) = clean(&rules, &page);
        for line in [DESCRIPTION, DETAILS] {
            assert!(kept.contains(line), "{path}: the description went:\n{kept}");
        }
        assert!(
            reasons.iter().any(|r| r == "you-might-also-like-heading"),
            "{path}: the menu's copies in the later half still go as lines: {reasons:?}"
        );
    }
}

const ARTICLE: &str = "The council voted on Tuesday to keep the old library open for another \
                       five years, after a campaign by residents who said the building was the \
                       only quiet place in the town centre.";

#[test]
fn the_heading_of_a_related_stories_tail_still_takes_the_tail() {
    // Once, and also twice (a sidebar box inside the article and the tail's heading), the
    // tail after the last heading goes.
    let tail = "Related stories\n\n* Library hours cut across the county\n* Town centre plan \
                approved\n* Residents rally for the swimming pool\n* New mayor sworn in\n";
    let once = format!("Town news\n\n{ARTICLE}\n\n{ARTICLE}\n\n{ARTICLE}\n\n{tail}");
    let twice = format!(
        "Town news\n\n{ARTICLE}\n\nRelated stories\n* Library hours cut across the county\n\n\
         {ARTICLE}\n\n{ARTICLE}\n\n{tail}"
    );
    for page in [once, twice] {
        for (path, rules) in both_paths() {
            let (kept, reasons) = clean(&rules, &page);
            assert!(kept.contains(ARTICLE), "{path}: the article went:\n{kept}");
            for teaser in ["Town centre plan approved", "New mayor sworn in"] {
                assert!(!kept.contains(teaser), "{path}: the tail stays:\n{kept}");
            }
            assert!(reasons.iter().any(|r| r == "you-might-also-like-heading"));
        }
    }
}

#[test]
fn a_comment_label_under_every_comment_still_takes_the_thread() {
    // The label repeats, but the comments between its copies are running text: not a menu.
    let comment = "I have used this library for years and I am glad it stays open, because \
                   the reading room is the only place where my children can do their homework.";
    let mut page = format!("Town news\n\n{ARTICLE}\n\n{ARTICLE}\n\n{ARTICLE}\n\n{ARTICLE}\n\n");
    for name in ["Anna", "Ben", "Carla", "Dev"] {
        page.push_str(&format!("{name} wrote:\n{comment}\nPost a comment\n\n"));
    }
    for (path, rules) in both_paths() {
        let (kept, _) = clean(&rules, &page);
        assert!(kept.contains(ARTICLE), "{path}: the article went:\n{kept}");
        assert!(
            !kept.contains("Dev wrote:"),
            "{path}: the thread stays:\n{kept}"
        );
    }
}
