//! Tests of decoding, mapping, row validation and merging.

use super::*;
use crate::members::MemberDetails;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

#[test]
fn decodes_utf8_with_and_without_bom_and_windows_1252() {
    let (s, e) = decode("name,membership_number\nZoë,1\n".as_bytes()).unwrap();
    assert_eq!(e, Encoding::Utf8);
    assert!(s.contains("Zoë"));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("name\nZoë\n".as_bytes());
    let (s, e) = decode(&bom).unwrap();
    assert_eq!(e, Encoding::Utf8Bom);
    assert!(s.starts_with("name"));
    // "Zoë £5" in Windows-1252: ë = 0xEB, £ = 0xA3.
    let (s, e) = decode(b"name\nZo\xEB \xA35\n").unwrap();
    assert_eq!(e, Encoding::Windows1252);
    assert!(s.contains("Zoë £5"), "{s}");
}

#[test]
fn refuses_utf16_and_binary() {
    assert_eq!(decode(&[0xFF, 0xFE, b'n', 0]), Err(FileError::Utf16));
    assert_eq!(decode(b"n\0a\0m\0e\0"), Err(FileError::Utf16));
    assert_eq!(decode(b"name\nab\x81c"), Err(FileError::Encoding(7)));
    assert_eq!(decode(b"name\x01\xE9"), Err(FileError::Encoding(4)));
    assert!(FileError::Utf16.to_string().contains("UTF-16"));
}

#[test]
fn headers_are_recognised_and_mapped() {
    let headers: Vec<String> = ["Member No", "Full Name", "E-mail", "Extra"]
        .map(String::from)
        .to_vec();
    let cols = Columns::resolve(&headers, &ColumnMap::default()).unwrap();
    assert_eq!(
        cols.fields(),
        [
            MemberField::MembershipNumber,
            MemberField::Name,
            MemberField::Email
        ]
    );
    let map = ColumnMap::parse_lines(["Extra=team", ""]).unwrap();
    let cols = Columns::resolve(&headers, &map).unwrap();
    assert!(cols.has(MemberField::Team));
    let missing: Vec<String> = ["Full Name"].map(String::from).to_vec();
    assert_eq!(
        Columns::resolve(&missing, &ColumnMap::default()),
        Err(FileError::MissingColumn(MemberField::MembershipNumber))
    );
    let bad = ColumnMap::parse_lines(["Nowhere=team"]).unwrap();
    assert_eq!(
        Columns::resolve(&headers, &bad),
        Err(FileError::UnknownColumn("Nowhere".into()))
    );
    assert!(matches!(
        ColumnMap::parse_lines(["Extra"]),
        Err(FileError::BadMapping(_))
    ));
    assert!(matches!(
        ColumnMap::parse_lines(["Extra=salary"]),
        Err(FileError::UnknownField(_))
    ));
    let twice = ColumnMap::parse_lines(["Extra=name"]).unwrap();
    let cols = Columns::resolve(&headers, &twice).unwrap();
    assert!(cols.has(MemberField::Name));
    let lines = map.to_lines();
    assert_eq!(ColumnMap::parse_lines(lines.lines()).unwrap(), map);
}

#[test]
fn rows_are_validated_one_by_one() {
    let csv = "membership_number,name,email,daily_pay,rep,team\n\
               A1,Ana,ana@example.org,123.40,yes,Duty\n\
               A2,,b@example.org,,,\n\
               A3,Cy,not-an-email,,,\n\
               A1,Ana Again,,,,\n\
               ,,,,,\n\
               A4,Di,,12.345,,\n\
               A5,Ed,,,perhaps,\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.total, 6);
    assert_eq!(file.rows.len(), 1);
    let ana = &file.rows[0];
    assert_eq!(ana.row, 2);
    assert_eq!(ana.details.daily_pay_pence, Some(12340));
    assert!(ana.details.is_rep);
    assert_eq!(ana.team.as_deref(), Some("Duty"));
    let got: Vec<_> = file
        .rejected
        .iter()
        .map(|p| (p.row, p.field.map(MemberField::as_str)))
        .collect();
    assert_eq!(
        got,
        [
            (3, Some("name")),
            (4, Some("email")),
            (5, Some("membership_number")),
            (7, Some("daily_pay")),
            (8, Some("rep")),
        ]
    );
    assert_eq!(
        file.rejected[2].to_string(),
        "row 5: membership_number is also on row 2: each member once per file"
    );
    // No value typed appears in a problem.
    assert!(file
        .rejected
        .iter()
        .all(|p| !p.reason.contains("not-an-email")));
}

#[test]
fn missing_required_column_is_a_file_error() {
    let err = parse_file(b"name,email\nAna,a@example.org\n", &ColumnMap::default()).unwrap_err();
    assert_eq!(err, FileError::MissingColumn(MemberField::MembershipNumber));
    assert!(err.to_string().contains("membership_number"));
    assert_eq!(
        parse_file(b"", &ColumnMap::default()).unwrap_err(),
        FileError::Empty
    );
}

#[test]
fn merge_keeps_fields_the_file_lacks_and_names_changes() {
    let file = parse_file(
        b"membership_number,name,phone\nA1,Ana,07700 900123\n",
        &ColumnMap::default(),
    )
    .unwrap();
    let row = &file.rows[0];
    let (_, _, change) = merge(None, row, None, &file);
    assert_eq!(change, RowChange::New);
    let mut old = MemberDetails::new("A1".parse().unwrap(), "Ana");
    old.email = Some("ana@example.org".parse().unwrap());
    let (merged, team, change) = merge(Some((&old, Some(7))), row, None, &file);
    assert_eq!(merged.email, old.email, "email is not in the file: kept");
    assert_eq!(team, Some(7), "team is not in the file: kept");
    assert_eq!(
        change,
        RowChange::Updated {
            fields: vec![MemberField::Phone]
        }
    );
    let (_, _, again) = merge(Some((&merged, Some(7))), row, None, &file);
    assert_eq!(again, RowChange::Unchanged);
}

#[test]
fn consent_is_checked_after_merging() {
    let file = parse_file(
        b"membership_number,name,contact_email\nA1,Ana,yes\n",
        &ColumnMap::default(),
    )
    .unwrap();
    let row = &file.rows[0];
    let (merged, _, _) = merge(None, row, None, &file);
    let p = check_merged(row.row, &merged, today()).unwrap_err();
    assert_eq!(p.field, Some(MemberField::ConsentWording));
    let mut old = MemberDetails::new("A1".parse().unwrap(), "Ana");
    old.contact.consent_wording = Some("You may email me".into());
    old.contact.consent_date = Some(today());
    let (merged, _, _) = merge(Some((&old, None)), row, None, &file);
    assert_eq!(check_merged(row.row, &merged, today()), Ok(()));
}

#[test]
fn daily_pay_follows_the_one_money_rule() {
    let csv = "membership_number,name,daily_pay\n\
               B1,Ann,\"£1,234.5\"\n\
               B2,Bo,.5\n\
               B3,Cy,\"1,2,3\"\n\
               B4,Di,\"12,50\"\n\
               B5,Ed,\"999,999,999.99\"\n\
               B6,Flo,-3\n\
               B7,Gus,\"1,000,000,000\"\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    let pay: Vec<_> = file
        .rows
        .iter()
        .map(|r| (r.row, r.details.daily_pay_pence))
        .collect();
    assert_eq!(
        pay,
        [(2, Some(123_450)), (3, Some(50)), (6, Some(99_999_999_999))]
    );
    let refused: Vec<_> = file.rejected.iter().map(|p| p.row).collect();
    assert_eq!(refused, [4, 5, 7, 8]);
    assert!(file
        .rejected
        .iter()
        .all(|p| p.field == Some(MemberField::DailyPay)));
}

#[test]
fn names_in_parts_are_joined_and_a_title_beside_them_is_a_courtesy_title() {
    let csv = "Membership No,Title,Forename,Surname,Team,Job\n\
               101,Ms,Ana,Rees,East,Social worker\n\
               102,Dr,,Okafor,West,\n\
               103,Mr,,,East,\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.rows.len(), 2);
    assert_eq!(file.rows[0].details.name, "Ana Rees");
    assert_eq!(
        file.rows[0].details.job_title.as_deref(),
        Some("Social worker")
    );
    assert_eq!(file.rows[1].details.name, "Okafor");
    assert!(file.has(MemberField::Name));
    assert_eq!(file.rejected.len(), 1);
    assert_eq!(file.rejected[0].row, 4);
    assert_eq!(file.rejected[0].field, Some(MemberField::Name));

    let other = "First Name,Last Name,membership_number\nSam,Lee,7\n";
    let file = parse_file(other.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.rows[0].details.name, "Sam Lee");
    // A whole-name column wins over parts; without parts, Title is still a job title.
    let both = "name,forename,surname,membership_number\nSamuel Lee,Sam,Lee,7\n";
    let file = parse_file(both.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.rows[0].details.name, "Samuel Lee");
    let job = "name,title,membership_number\nSam Lee,Porter,7\n";
    let file = parse_file(job.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.rows[0].details.job_title.as_deref(), Some("Porter"));
    // No name at all is still refused, naming the field.
    let none = "membership_number,title\n7,Mr\n";
    assert_eq!(
        parse_file(none.as_bytes(), &ColumnMap::default()).unwrap_err(),
        FileError::MissingColumn(MemberField::Name)
    );
}

#[test]
fn the_teams_a_file_names_are_listed_once_and_the_new_ones_found() {
    let csv = "membership_number,name,team\n1,A,East\n2,B,east\n3,C,North\n4,D,\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    assert_eq!(file.teams(), ["East", "North"]);
    assert_eq!(file.new_teams(["EAST", "West"]), ["North"]);
    assert!(file.new_teams(["east", "north"]).is_empty());
}

#[test]
fn joined_and_left_columns_read_iso_and_british_dates_and_name_unreadable_ones() {
    for (joined, left) in [
        ("Joined", "Left"),
        ("Join Date", "Leaving Date"),
        ("Date Joined", "Date Left"),
        ("joined_on", "left_on"),
    ] {
        let csv = format!(
            "membership_number,name,{joined},{left}\n\
             1,Ana,2024-05-01,\n\
             2,Bo,01/02/2023,31/03/2024\n\
             3,Cy,May 2024,\n\
             4,Di,,2024-13-01\n"
        );
        let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
        assert!(file.has(MemberField::JoinedOn) && file.has(MemberField::LeftOn));
        let dates: Vec<_> = file
            .rows
            .iter()
            .map(|r| (r.row, r.details.joined_on, r.details.left_on))
            .collect();
        let day = |s: &str| s.parse::<NaiveDate>().ok();
        assert_eq!(
            dates,
            [
                (2, day("2024-05-01"), None),
                (3, day("2023-02-01"), day("2024-03-31"))
            ],
            "{joined}/{left}"
        );
        let refused: Vec<_> = file.rejected.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            refused,
            [
                "row 4: joined_on is not a date (YYYY-MM-DD or DD/MM/YYYY)",
                "row 5: left_on is not a date (YYYY-MM-DD or DD/MM/YYYY)"
            ]
        );
    }
}

#[test]
fn a_membership_that_ends_before_it_begins_is_refused_and_dates_merge_like_other_fields() {
    let csv = "membership_number,name,joined\n1,Ana,2024-05-01\n";
    let file = parse_file(csv.as_bytes(), &ColumnMap::default()).unwrap();
    let mut old = MemberDetails::new("1".parse().unwrap(), "Ana");
    old.left_on = "2024-04-01".parse().ok();
    let (merged, _, change) = merge(Some((&old, None)), &file.rows[0], None, &file);
    assert_eq!(
        change,
        RowChange::Updated {
            fields: vec![MemberField::JoinedOn]
        }
    );
    assert_eq!(
        merged.left_on, old.left_on,
        "a column not given keeps its value"
    );
    let refused = check_merged(2, &merged, today()).unwrap_err();
    assert_eq!(refused.field, Some(MemberField::LeftOn));
    assert!(refused.reason.contains("must come after"), "{refused}");
    old.left_on = None;
    let (merged, _, _) = merge(Some((&old, None)), &file.rows[0], None, &file);
    assert_eq!(check_merged(2, &merged, today()), Ok(()));
}
