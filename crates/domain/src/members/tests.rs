//! Unit tests of [`super`]: the members rules.

use super::*;

#[test]
fn membership_numbers_are_trimmed_and_upper_cased() {
    let n: MembershipNumber = " ab-123/4 ".parse().unwrap();
    assert_eq!(n.as_str(), "AB-123/4");
    assert_eq!("".parse::<MembershipNumber>(), Err(MemberError::Required));
    assert_eq!(
        "AB 12".parse::<MembershipNumber>(),
        Err(MemberError::MembershipNumber)
    );
    assert_eq!(
        "1".repeat(33).parse::<MembershipNumber>(),
        Err(MemberError::TooLong(32))
    );
    assert_eq!(format!("{n:?}"), "MembershipNumber(..)");
}

#[test]
fn text_fields_follow_the_one_text_rule() {
    assert_eq!(optional_text("  ", 10), Ok(None));
    assert_eq!(optional_text(" Unison ", 10), Ok(Some("Unison".into())));
    assert_eq!(
        optional_text("a\u{0}b", 10),
        Err(MemberError::Text(TextError::Nul))
    );
    assert_eq!(
        optional_text("a\nb", 10),
        Err(MemberError::Text(TextError::LineBreak))
    );
    assert_eq!(optional_text("abcdef", 5), Err(MemberError::TooLong(5)));
    assert_eq!(
        optional_name("Ana\u{202E}", 10),
        Err(MemberError::Text(TextError::Bidi('\u{202E}')))
    );
    assert_eq!(search_words(Some(" ana ")), Ok(Some("ana".into())));
    assert_eq!(search_words(None), Ok(None));
    assert_eq!(
        search_words(Some("\u{0}")),
        Err(MemberError::Text(TextError::Nul))
    );
}

#[test]
fn phones_need_seven_to_fifteen_digits() {
    assert!("+44 (0)20 7946 0000".parse::<Phone>().is_ok());
    assert!("07700 900123".parse::<Phone>().is_ok());
    assert_eq!("12345".parse::<Phone>(), Err(MemberError::Phone));
    assert_eq!("0770x900123".parse::<Phone>(), Err(MemberError::Phone));
    assert_eq!("0770+900123".parse::<Phone>(), Err(MemberError::Phone));
}

#[test]
fn pounds_become_pence() {
    use crate::money::Pence;
    let pence = |s: &str| Pence::parse(s).map(Pence::pence).ok();
    assert_eq!(pence("123.45"), Some(12345));
    assert_eq!(pence("£1,234.5"), Some(123_450));
    assert_eq!(pence("80"), Some(8000));
    assert_eq!(pence(".5"), Some(50));
    assert_eq!(pence("12.345"), None);
    assert_eq!(pence("-3"), None);
    assert_eq!(pence("abc"), None);
    assert_eq!(pence(""), None);
    assert_eq!(Pence::from_pence(12345).decimal(), "123.45");
    assert_eq!(Pence::from_pence(5).decimal(), "0.05");
}

#[test]
fn yes_no_and_dates() {
    assert_eq!(parse_yes_no(" Yes "), Ok(true));
    assert_eq!(parse_yes_no(""), Ok(false));
    assert_eq!(parse_yes_no("maybe"), Err(MemberError::YesNo));
    let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    assert_eq!(parse_date("2024-03-01"), Ok(d));
    assert_eq!(parse_date("01/03/2024"), Ok(d));
    assert_eq!(parse_date("03/31/2024"), Err(MemberError::Date));
    assert_eq!(parse_date("2024-3-1"), Err(MemberError::Date));
    assert_eq!(parse_date("+002024-03-01"), Err(MemberError::Date));
}

#[test]
fn contact_needs_consent() {
    let today = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let mut c = ContactPreferences {
        by_email: true,
        ..Default::default()
    };
    assert_eq!(
        c.check(today),
        Err((MemberField::ConsentWording, MemberError::ConsentMissing))
    );
    c.consent_wording = Some("You may email me".into());
    assert_eq!(
        c.check(today),
        Err((MemberField::ConsentDate, MemberError::ConsentMissing))
    );
    c.consent_date = today.succ_opt();
    assert_eq!(
        c.check(today),
        Err((MemberField::ConsentDate, MemberError::FutureDate))
    );
    c.consent_date = Some(today);
    assert_eq!(c.check(today), Ok(()));
}

#[test]
fn fields_round_trip_their_names() {
    for f in MemberField::ALL {
        assert_eq!(f.as_str().parse::<MemberField>(), Ok(f));
    }
    assert!("salary"
        .parse::<MemberField>()
        .unwrap_err()
        .contains("salary"));
    for r in AccessReason::ALL {
        assert_eq!(r.as_str().parse::<AccessReason>(), Ok(r));
    }
}
