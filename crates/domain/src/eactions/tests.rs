use super::*;
use chrono::NaiveDate;

fn input<'a>() -> EactionInput<'a> {
    EactionInput {
        kind: "email",
        title: "Write to the Chief Executive",
        subject: "Settle the dispute — from {name}",
        body: "Dear Chief Executive,\n\n{own_words}\n\nYours,\n{name}, {postcode}",
        delivery: "each-signature",
        per_hour: 60,
        confirm_email: true,
        own_words_max: 500,
        open: true,
    }
}

fn signer(own: &str) -> Signer {
    Signer::parse(" Aïcha O'Brien ", "Aicha@Example.ORG", "sw1a1aa", own, 500).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn an_email_campaign_is_checked_and_kept() {
    let e = NewEaction::parse(&input()).unwrap();
    assert_eq!(e.kind, ActionKind::Email);
    assert_eq!(e.delivery, Delivery::EachSignature { per_hour: 60 });
    assert!(e.confirm_email && e.open);
    let digest = NewEaction::parse(&EactionInput {
        delivery: "daily-digest",
        per_hour: 0,
        ..input()
    })
    .unwrap();
    assert_eq!(digest.delivery, Delivery::DailyDigest);
    assert_eq!(digest.delivery.per_hour(), 0);
}

#[test]
fn a_petition_is_counted_only_and_needs_no_subject() {
    let p = NewEaction::parse(&EactionInput {
        kind: "petition",
        subject: "",
        body: "We call on the council to fund safe caseloads.",
        delivery: "",
        ..input()
    })
    .unwrap();
    assert_eq!(p.delivery, Delivery::CountOnly);
    assert_eq!(p.subject, "");
}

#[test]
fn campaign_mistakes_name_their_field() {
    let cases: [(EactionInput<'_>, &str); 7] = [
        (
            EactionInput {
                title: " ",
                ..input()
            },
            "title",
        ),
        (
            EactionInput {
                body: "",
                ..input()
            },
            "body",
        ),
        (
            EactionInput {
                subject: "",
                ..input()
            },
            "subject",
        ),
        (
            EactionInput {
                body: "Dear {nmae}",
                ..input()
            },
            "body",
        ),
        (
            EactionInput {
                delivery: "pigeon",
                ..input()
            },
            "delivery",
        ),
        (
            EactionInput {
                per_hour: 0,
                ..input()
            },
            "per_hour",
        ),
        (
            EactionInput {
                own_words_max: 1_000_000,
                ..input()
            },
            "own_words_max",
        ),
    ];
    for (typed, field) in cases {
        let err = NewEaction::parse(&typed).unwrap_err();
        assert_eq!(err.field, field, "{err}");
        assert!(err.message.ends_with('.'), "{err}");
    }
    let err = NewEaction::parse(&EactionInput {
        body: "Dear {nmae}",
        ..input()
    })
    .unwrap_err();
    assert!(err.message.contains("{name}"), "{err}");
}

#[test]
fn a_signer_is_checked_and_kept_in_one_spelling() {
    let s = signer("  Fund the service. ");
    assert_eq!(s.name, "Aïcha O'Brien");
    assert_eq!(s.email.as_str(), "Aicha@example.org");
    assert_eq!(s.email_key(), "aicha@example.org");
    assert_eq!(s.postcode.as_str(), "SW1A 1AA");
    assert_eq!(s.own_words, "Fund the service.");
    assert_eq!(
        format!("{s:?}"),
        "Signer { .. }",
        "no personal data in Debug"
    );
}

#[test]
fn signer_mistakes_say_what_to_fix() {
    let cases = [
        (("", "a@example.org", "M1 1AE", ""), "name"),
        (("Jo", "", "M1 1AE", ""), "email"),
        (("Jo", "not-an-address", "M1 1AE", ""), "email"),
        (("Jo", "a@example.org", "", ""), "postcode"),
        (("Jo", "a@example.org", "12345", ""), "postcode"),
        (("Jo\u{202E}", "a@example.org", "M1 1AE", ""), "name"),
    ];
    for ((name, email, postcode, own), field) in cases {
        let err = Signer::parse(name, email, postcode, own, 10).unwrap_err();
        assert_eq!(err.field, field, "{err}");
        assert!(!err.message.contains("not-an-address") && !err.message.contains("12345"));
    }
    let err = Signer::parse("Jo", "a@example.org", "M1 1AE", &"x".repeat(11), 10).unwrap_err();
    assert_eq!(err.field, "own_words");
    assert_eq!(err.message, "Your own words can be at most 10 characters.");
    let err = Signer::parse("Jo", "a@example.org", "M1 1AE", "hello", 0).unwrap_err();
    assert!(
        err.message.contains("does not take your own words"),
        "{err}"
    );
    assert!(Signer::parse("Jo", "a@example.org", "M1 1AE", "", 0).is_ok());
}

#[test]
fn letters_are_filled_in_for_each_supporter() {
    let e = NewEaction::parse(&input()).unwrap();
    let with = render_letter(&e.body, &signer("Our caseloads are unsafe {name}."));
    assert_eq!(
        with,
        "Dear Chief Executive,\n\nOur caseloads are unsafe {name}.\n\nYours,\nAïcha O'Brien, SW1A 1AA"
    );
    let without = render_letter(&e.body, &signer(""));
    assert_eq!(
        without,
        "Dear Chief Executive,\n\nYours,\nAïcha O'Brien, SW1A 1AA"
    );
    assert_eq!(
        render_letter(&e.subject, &signer("")),
        "Settle the dispute — from Aïcha O'Brien"
    );
}

#[test]
fn targets_need_an_address_when_they_are_emailed() {
    let each = Delivery::EachSignature { per_hour: 10 };
    let t = NewTarget::parse(
        "Dr Jo Bloggs",
        "Chief Executive",
        "ceo@council.example",
        each,
    )
    .unwrap();
    assert_eq!(t.email.unwrap().as_str(), "ceo@council.example");
    let err = NewTarget::parse("Dr Jo Bloggs", "Chief Executive", "", each).unwrap_err();
    assert_eq!(err.field, "target_email");
    assert!(NewTarget::parse("Dr Jo Bloggs", "", "", Delivery::CountOnly).is_ok());
    assert_eq!(
        NewTarget::parse("", "", "", Delivery::CountOnly)
            .unwrap_err()
            .field,
        "target_name"
    );
}

#[test]
fn replies_and_the_public_sentence() {
    let opened = day(2024, 5, 1);
    let r = TargetReply::parse(day(2024, 5, 20), "Declined to meet.", "", opened).unwrap();
    assert_eq!(r.summary, "Declined to meet.");
    let err = TargetReply::parse(day(2024, 4, 30), "x", "", opened).unwrap_err();
    assert_eq!(err.field, "received_on");
    assert!(
        err.message.contains("30 April 2024") && err.message.contains("1 May 2024"),
        "{err}"
    );
    assert_eq!(
        no_reply_sentence("The Chief Executive", opened, opened),
        None
    );
    assert_eq!(
        no_reply_sentence("The Chief Executive", opened, day(2024, 5, 2)).as_deref(),
        Some("The Chief Executive has not replied after 1 day.")
    );
    assert_eq!(
        no_reply_sentence("The Chief Executive", opened, day(2024, 5, 13)).as_deref(),
        Some("The Chief Executive has not replied after 12 days.")
    );
}
