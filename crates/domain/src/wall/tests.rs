//! Unit tests of [`super`]: the wall rules.

use super::*;

fn submission() -> WallSubmission {
    WallSubmission {
        name: " Riverside Branch ".into(),
        organisation: Some("".into()),
        kind: "union-body".into(),
        message: "Solidarity from all of us!".into(),
        ..Default::default()
    }
}

#[test]
fn a_plain_message_is_accepted_and_trimmed() {
    let post = validate(&submission(), None, Some(10), &WallLimits::default()).unwrap();
    assert_eq!(post.name, "Riverside Branch");
    assert_eq!(post.organisation, None);
    assert_eq!(post.kind, SenderKind::UnionBody);
    assert_eq!(post.pledge, None);
}

#[test]
fn robots_are_caught_by_the_honeypot_and_the_clock() {
    let limits = WallLimits::default();
    assert_eq!(
        validate(&submission(), Some("http://spam"), Some(10), &limits),
        Err(WallError::Spam)
    );
    assert_eq!(
        validate(&submission(), None, Some(1), &limits),
        Err(WallError::Spam)
    );
    assert!(
        validate(&submission(), None, None, &limits).is_ok(),
        "the API has no form clock"
    );
}

#[test]
fn each_bad_field_is_named() {
    let limits = WallLimits::default();
    let field = |s: WallSubmission| match validate(&s, None, None, &limits) {
        Err(WallError::Invalid { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    };
    assert_eq!(
        field(WallSubmission {
            name: " ".into(),
            ..submission()
        }),
        "name"
    );
    assert_eq!(
        field(WallSubmission {
            kind: "troll".into(),
            ..submission()
        }),
        "kind"
    );
    assert_eq!(
        field(WallSubmission {
            message: "x".repeat(3001),
            ..submission()
        }),
        "message"
    );
    assert_eq!(
        field(WallSubmission {
            message: "see http://a.example http://b.example www.c.example".into(),
            ..submission()
        }),
        "message"
    );
    assert_eq!(
        field(WallSubmission {
            email: Some("nope".into()),
            ..submission()
        }),
        "email"
    );
    assert_eq!(
        field(WallSubmission {
            pledge: Some("donation".into()),
            pledge_amount: Some("lots".into()),
            ..submission()
        }),
        "pledge_amount"
    );
    assert_eq!(
        field(WallSubmission {
            pledge: Some("speaker".into()),
            ..submission()
        }),
        "consent"
    );
    assert_eq!(
        field(WallSubmission {
            pledge: Some("yacht".into()),
            ..submission()
        }),
        "pledge"
    );
}

#[test]
fn nul_control_and_direction_characters_are_refused_by_field() {
    let limits = WallLimits::default();
    let refused = |s: WallSubmission| match validate(&s, None, None, &limits) {
        Err(WallError::Invalid { field, message }) => (field, message),
        other => panic!("expected a field error, got {other:?}"),
    };
    let (field, message) = refused(WallSubmission {
        name: "w\u{0}".into(),
        ..submission()
    });
    assert_eq!(field, "name");
    assert!(
        message.starts_with("Your name contains a NUL character"),
        "{message}"
    );
    let (field, message) = refused(WallSubmission {
        name: "evil\u{202E}gnp.exe".into(),
        ..submission()
    });
    assert_eq!(field, "name");
    assert!(message.contains("U+202E"), "{message}");
    assert_eq!(
        refused(WallSubmission {
            organisation: Some("Unite\u{1b}".into()),
            ..submission()
        })
        .0,
        "organisation"
    );
    assert_eq!(
        refused(WallSubmission {
            message: "hi\u{0}".into(),
            ..submission()
        })
        .0,
        "message"
    );
    assert_eq!(
        refused(WallSubmission {
            email: Some("a\u{0}@b.org".into()),
            ..submission()
        })
        .0,
        "email"
    );
    let post = validate(
        &WallSubmission {
            message: "Line one\r\nLine two\tand a tab".into(),
            ..submission()
        },
        None,
        None,
        &limits,
    )
    .unwrap();
    assert_eq!(post.message, "Line one\nLine two\tand a tab");
}

#[test]
fn a_moderators_correction_follows_the_message_rules() {
    let limits = WallLimits::default();
    assert_eq!(
        edited_message(" Fixed\r\ntext ", &limits),
        Ok("Fixed\ntext".into())
    );
    for bad in ["", "x\u{0}", "x\u{7}", &"x".repeat(3001)] {
        match edited_message(bad, &limits) {
            Err(WallError::Invalid { field, .. }) => assert_eq!(field, "text"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
}

#[test]
fn a_pledge_with_consent_and_email_is_kept() {
    let s = WallSubmission {
        email: Some("sec@riverside.example".into()),
        pledge: Some("donation".into()),
        pledge_amount: Some("£1,250.5".into()),
        consent: true,
        ..submission()
    };
    let post = validate(&s, None, None, &WallLimits::default()).unwrap();
    assert_eq!(
        post.pledge,
        Some(Pledge::Donation {
            pence: Pence::from_pence(125_050)
        })
    );
}

#[test]
fn donations_follow_the_one_money_rule() {
    let pledge = |amount: &str| {
        let s = WallSubmission {
            email: Some("sec@riverside.example".into()),
            pledge: Some("donation".into()),
            pledge_amount: Some(amount.into()),
            consent: true,
            ..submission()
        };
        match validate(&s, None, None, &WallLimits::default()) {
            Ok(post) => match post.pledge {
                Some(Pledge::Donation { pence }) => Ok(pence.pence()),
                other => panic!("{amount:?}: {other:?}"),
            },
            Err(WallError::Invalid { field, .. }) => {
                assert_eq!(field, "pledge_amount");
                Err(())
            }
            Err(other) => panic!("{amount:?}: {other:?}"),
        }
    };
    assert_eq!(pledge("25"), Ok(2500));
    assert_eq!(pledge(" £1,000,000 "), Ok(100_000_000));
    assert_eq!(pledge("1.5"), Ok(150));
    // Commas only between thousands: these were read as £100 and £1,000 before.
    assert_eq!(pledge("1,0,0"), Err(()));
    assert_eq!(pledge("10,00"), Err(()));
    // Below £1, over £1,000,000, signed or too precise.
    assert_eq!(pledge(".5"), Err(()));
    assert_eq!(pledge("1,000,000.01"), Err(()));
    assert_eq!(pledge("-5"), Err(()));
    assert_eq!(pledge("12.345"), Err(()));
}

#[test]
fn pounds_parse_to_pence() {
    let pence = |s: &str| Pence::parse(s).map(Pence::pence).ok();
    assert_eq!(pence("25"), Some(2500));
    assert_eq!(pence("12.5"), Some(1250));
    assert_eq!(pence("£0.99"), Some(99));
    assert_eq!(pence("1.234"), None);
    assert_eq!(pence("-5"), None);
    assert_eq!(pence(""), None);
}

#[test]
fn links_and_duplicates() {
    assert_eq!(count_links("https://www.example.org and www.x.org"), 2);
    assert_eq!(count_links("no links here"), 0);
    assert_eq!(
        duplicate_key("Solidarity,   from ALL of us!"),
        duplicate_key("solidarity from all of us")
    );
}
