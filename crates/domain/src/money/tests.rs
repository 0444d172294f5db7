//! Table tests for each rule of the money parser, and round trips for any amount.

use super::{MoneyError, Pence};
use proptest::prelude::*;

fn ok(text: &str) -> i64 {
    Pence::parse(text)
        .unwrap_or_else(|e| panic!("{text:?} refused: {e}"))
        .pence()
}

fn err(text: &str) -> MoneyError {
    Pence::parse(text).expect_err(text)
}

#[test]
fn whole_pounds() {
    assert_eq!(ok("12"), 1200);
    assert_eq!(ok("0"), 0);
    assert_eq!(ok("007"), 700);
    assert_eq!(ok("12."), 1200);
}

#[test]
fn pence_after_the_point() {
    assert_eq!(ok("12.5"), 1250);
    assert_eq!(ok("12.50"), 1250);
    assert_eq!(ok("12.05"), 1205);
    assert_eq!(ok("0.99"), 99);
}

#[test]
fn a_point_with_no_pounds_is_pence_only() {
    assert_eq!(ok(".5"), 50);
    assert_eq!(ok(".05"), 5);
    assert_eq!(ok("£.5"), 50);
}

#[test]
fn spaces_and_the_pound_sign() {
    assert_eq!(ok(" 12 "), 1200);
    assert_eq!(ok("£12.50"), 1250);
    assert_eq!(ok("  £1,250.00\t"), 125_000);
    assert_eq!(err("12 50"), MoneyError::NotAnAmount);
    assert_eq!(err("££12"), MoneyError::NotAnAmount);
    assert_eq!(err("£ 12"), MoneyError::NotAnAmount);
}

#[test]
fn commas_only_between_thousands() {
    assert_eq!(ok("1,250"), 125_000);
    assert_eq!(ok("1,000,000"), 100_000_000);
    assert_eq!(ok("999,999.99"), 99_999_999);
    for bad in [
        "1,25",
        ",100",
        "1,2,3",
        "1000,000",
        "1,",
        "1,000.5,0",
        "1,0000",
    ] {
        assert_eq!(err(bad), MoneyError::Commas, "{bad}");
    }
}

#[test]
fn at_most_two_decimals() {
    assert_eq!(err("12.345"), MoneyError::TooManyDecimals);
    assert_eq!(err("1.234"), MoneyError::TooManyDecimals);
    assert_eq!(err("0.001"), MoneyError::TooManyDecimals);
}

#[test]
fn no_signs() {
    assert_eq!(err("-3"), MoneyError::Sign);
    assert_eq!(err("+3"), MoneyError::Sign);
    assert_eq!(err("£-3"), MoneyError::Sign);
    assert_eq!(err("−3"), MoneyError::Sign);
}

#[test]
fn empty_letters_and_symbols() {
    assert_eq!(err(""), MoneyError::Empty);
    assert_eq!(err("   "), MoneyError::Empty);
    assert_eq!(err("£"), MoneyError::Empty);
    assert_eq!(err("."), MoneyError::NotAnAmount);
    assert_eq!(err("abc"), MoneyError::NotAnAmount);
    assert_eq!(err("12p"), MoneyError::NotAnAmount);
    assert_eq!(err("$12"), MoneyError::NotAnAmount);
    assert_eq!(err("1e3"), MoneyError::NotAnAmount);
    assert_eq!(err("1.2.3"), MoneyError::NotAnAmount);
}

#[test]
fn too_large_for_pence() {
    assert_eq!(ok("92233720368547758.07"), i64::MAX);
    assert_eq!(err("92233720368547758.08"), MoneyError::TooLarge);
    assert_eq!(err("99999999999999999999999"), MoneyError::TooLarge);
}

#[test]
fn errors_say_what_to_write() {
    assert_eq!(
        MoneyError::Empty.to_string(),
        "Give an amount in pounds, like 12.50."
    );
    for e in [
        MoneyError::Sign,
        MoneyError::TooManyDecimals,
        MoneyError::Commas,
        MoneyError::NotAnAmount,
    ] {
        assert!(e.to_string().contains("12.50") || e.to_string().contains("1,250.00"));
    }
}

#[test]
fn display_reads_as_money() {
    assert_eq!(Pence::from_pence(125_000).to_string(), "£1,250.00");
    assert_eq!(Pence::from_pence(5).to_string(), "£0.05");
    assert_eq!(Pence::from_pence(99_999).to_string(), "£999.99");
    assert_eq!(Pence::from_pence(100_000_000).to_string(), "£1,000,000.00");
    assert_eq!(Pence::from_pence(-150).to_string(), "-£1.50");
    assert_eq!(
        Pence::from_pence(i64::MIN).to_string(),
        "-£92,233,720,368,547,758.08"
    );
}

#[test]
fn decimal_is_plain() {
    assert_eq!(Pence::from_pence(12_345).decimal(), "123.45");
    assert_eq!(Pence::from_pence(5).decimal(), "0.05");
    assert_eq!(Pence::from_pence(125_000).decimal(), "1250.00");
    assert_eq!(Pence::from_pence(-5).decimal(), "-0.05");
}

#[test]
fn serde_is_the_integer_of_pence() {
    let p = Pence::from_pence(1250);
    assert_eq!(serde_json::to_string(&p).unwrap(), "1250");
    assert_eq!(serde_json::from_str::<Pence>("1250").unwrap(), p);
}

#[test]
fn checked_add_stops_at_the_limit() {
    let one = Pence::from_pence(1);
    assert_eq!(one.checked_add(one), Some(Pence::from_pence(2)));
    assert_eq!(Pence::from_pence(i64::MAX).checked_add(one), None);
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(p in 0..=i64::MAX) {
        let pence = Pence::from_pence(p);
        prop_assert_eq!(Pence::parse(&pence.to_string()), Ok(pence));
        prop_assert_eq!(Pence::parse(&pence.decimal()), Ok(pence));
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,24}") {
        let _ = Pence::parse(&s);
    }

    #[test]
    fn typed_pounds_and_pence_parse(pounds in 0..10_000_000_i64, pence in 0..100_i64) {
        prop_assert_eq!(
            Pence::parse(&format!("{pounds}.{pence:02}")),
            Ok(Pence::from_pence(pounds * 100 + pence))
        );
    }
}
