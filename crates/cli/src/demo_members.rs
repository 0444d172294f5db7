//! The demo's members: four teams, three hundred invented members imported through the same
//! CSV import organisers use, the demo rep representing one team, and each demo login of the
//! branch linked to its own record: a record with the login's name and address, so the
//! member who signs in sees themselves (and a sign-in link asked for with that address
//! reaches the same record).

use picket_domain::members::import::{parse_file, ColumnMap};
use picket_store::members::ImportOptions;
use picket_store::Branch;
use picket_web::state::AppState;

/// The teams: (name, workplace).
pub const DEMO_TEAMS: &[(&str, &str)] = &[
    ("Duty and Assessment", "Civic Centre"),
    ("Community Mental Health North", "Ashby House"),
    ("Community Mental Health South", "Wellfield Clinic"),
    ("Hospital Discharge", "Northfield General Hospital"),
];

/// Members the demo imports.
pub const DEMO_MEMBERS: usize = 300;

const FIRST: &[&str] = &[
    "Aisha", "Bartek", "Ciara", "Dev", "Eilidh", "Femi", "Gwen", "Hamza", "Ines", "Jonah", "Kemi",
    "Lorcan", "Maja", "Nikhil", "Orla", "Pavel", "Rosa", "Sefton", "Tamsin", "Uzma",
];
const LAST: &[&str] = &[
    "Abernethy",
    "Brightwell",
    "Castellano",
    "Dunmore",
    "Ekwueme",
    "Farrant",
    "Gallacher",
    "Hartigan",
    "Iqbal",
    "Jarvinen",
    "Kowalczyk",
    "Lindsay",
    "Mbatha",
    "Norcross",
    "Oduya",
    "Pellow",
    "Quayle",
    "Rennard",
    "Sadowski",
    "Thackeray",
];
const TITLES: &[&str] = &[
    "Social worker",
    "Senior social worker",
    "Approved mental health professional",
    "Team manager",
    "Support worker",
];
const WORDING: &str = "The branch may contact me about the dispute and union business.";

/// The branch's demo logins with a member record of their own: (row, login email). Row 1 is
/// in the rep's team (the second), row 4 in the first.
pub const LOGIN_ROWS: &[(usize, &str)] = &[
    (0, "organiser@picket.example"),
    (1, "rep@picket.example"),
    (2, "treasurer@picket.example"),
    (4, "member@picket.example"),
];

/// The login a row of the demo file belongs to: (email, name).
fn login_of(row: usize) -> Option<(&'static str, &'static str)> {
    let (_, email) = LOGIN_ROWS.iter().find(|(r, _)| *r == row)?;
    crate::demo::DEMO_USERS
        .iter()
        .find(|(e, _, _)| e == email)
        .map(|(e, name, _)| (*e, *name))
}

/// The membership number of a row of the demo file.
pub fn number_of(row: usize) -> String {
    format!("NF{:05}", 10_000 + row)
}

/// When a row's membership began and ended (empty: still a member), in the British way a
/// membership system exports them: most joined years ago; one in ten joined between January
/// and June 2024, during the dispute, so its counts on each day differ; a few left in spring
/// 2024.
fn membership_of(row: usize) -> (String, String) {
    if row % 10 == 9 {
        return (format!("10/{:02}/2024", 1 + (row / 10) % 6), String::new());
    }
    let joined = format!(
        "{:02}/{:02}/{}",
        1 + row % 28,
        1 + row % 12,
        2008 + row % 15
    );
    let left = if row % 25 == 12 {
        format!("{:02}/05/2024", 1 + row % 28)
    } else {
        String::new()
    };
    (joined, left)
}

/// The demo members as a CSV file, as a branch secretary's spreadsheet would have them.
pub fn demo_csv() -> String {
    let mut csv = String::from(
        "Membership number,Name,Email,Phone,Employer,Team,Job title,Daily pay,Rep,\
         Contact by email,Consent,Consent given,Joined,Left\n",
    );
    for i in 0..DEMO_MEMBERS {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
        let (name, email) = match login_of(i) {
            Some((email, name)) => (name.to_string(), email.to_string()),
            None => (
                format!("{first} {last}"),
                format!(
                    "{}.{}{i}@example.org",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
            ),
        };
        let (team, _) = DEMO_TEAMS[i % DEMO_TEAMS.len()];
        let consent = i % 3 != 0;
        let (joined, left) = membership_of(i);
        csv.push_str(&format!(
            "{},{name},{email},07700 9{:05},Northfield Council,{team},{},{}.{:02},{},{},{},{},{joined},{left}\n",
            number_of(i),
            i,
            TITLES[i % TITLES.len()],
            110 + i % 60,
            (i * 37) % 100,
            if i % 40 == 1 { "yes" } else { "no" },
            if consent { "yes" } else { "no" },
            if consent { WORDING } else { "" },
            if consent { "2023-06-01" } else { "" },
        ));
    }
    csv
}

/// Adds the teams and members, makes the demo rep the rep of the second team, and links each
/// of the branch's demo logins to its own record.
pub async fn seed(state: &AppState, branch: &Branch) -> anyhow::Result<()> {
    let rep = state.store.user_by_email("rep@picket.example").await?;
    // Made up for the demonstration, so written together and without audit entries.
    let mut work = state.store.begin().await?;
    let mut teams = Vec::new();
    for (name, workplace) in DEMO_TEAMS {
        teams.push(work.create_team(branch.id, name, Some(workplace)).await?);
    }
    let file = parse_file(demo_csv().as_bytes(), &ColumnMap::default())
        .map_err(|e| anyhow::anyhow!("demo members: {e}"))?;
    let outcome = work
        .import_members(
            branch.id,
            &file,
            &ImportOptions {
                dry_run: false,
                today: chrono::Utc::now().date_naive(),
                save_map: None,
            },
            &|_, _, _| {},
        )
        .await?;
    if !outcome.applied {
        anyhow::bail!("demo members were refused: {:?}", outcome.rejected);
    }
    work.set_rep_teams(branch.id, rep.id, &[teams[1].id])
        .await?;
    work.commit().await?;
    let mut links = Vec::new();
    for (row, email) in LOGIN_ROWS {
        let number = number_of(*row);
        let user = state.store.user_by_email(email).await?;
        let found = state
            .store
            .search_members(
                branch.id,
                &picket_store::members::MemberFilter {
                    query: Some(number.clone()),
                    ..Default::default()
                },
                picket_store::PageRequest::default(),
            )
            .await?;
        let member = found
            .items
            .iter()
            .find(|m| m.details.membership_number.as_str() == number)
            .ok_or_else(|| anyhow::anyhow!("demo member {number} is missing"))?;
        links.push((member.id, user.id));
    }
    let mut work = state.store.begin().await?;
    for (member, user) in links {
        work.link_member_user(branch.id, member, Some(user)).await?;
    }
    work.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_domain::{Division, Role};
    use picket_store::contract::Setup;
    use picket_store::members::MemberFilter;
    use picket_store::PageRequest;
    use std::sync::Arc;

    #[tokio::test]
    async fn the_demo_has_members_in_teams_a_rep_and_a_linked_member() {
        let db = picket_test_support::test_db().await;
        let state = AppState::new(
            db.dyn_store(),
            Arc::new(picket_mail::MemoryMailer::new()),
            picket_test_support::test_settings(),
        );
        let store = state.store.clone();
        let branch = store
            .setup_branch(&"demo".parse().unwrap(), "Demo", Division::EnglandAndWales)
            .await
            .unwrap();
        for (email, role) in [
            ("organiser@picket.example", Role::Organiser),
            ("treasurer@picket.example", Role::Treasurer),
            ("rep@picket.example", Role::Rep),
            ("member@picket.example", Role::Member),
        ] {
            store
                .setup_branch_user(&email.parse().unwrap(), email, None, branch.id, role)
                .await
                .unwrap();
        }
        seed(&state, &branch).await.unwrap();
        let all = store
            .search_members(branch.id, &MemberFilter::default(), PageRequest::new(1, 1))
            .await
            .unwrap();
        assert_eq!(all.total, DEMO_MEMBERS as u64);
        let teams = store.teams(branch.id).await.unwrap();
        assert_eq!(teams.len(), DEMO_TEAMS.len());
        let rep = store.user_by_email("rep@picket.example").await.unwrap();
        let rep_teams = store.rep_team_ids(branch.id, rep.id).await.unwrap();
        assert_eq!(rep_teams.len(), 1);
        let in_rep_team = store
            .search_members(
                branch.id,
                &MemberFilter {
                    teams: Some(rep_teams.clone()),
                    ..MemberFilter::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
        assert_eq!(in_rep_team.total, (DEMO_MEMBERS / DEMO_TEAMS.len()) as u64);
        let own = store
            .member_for_user(branch.id, rep.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            own.team_id,
            Some(rep_teams[0]),
            "the rep is in their own team"
        );
        let member = store.user_by_email("member@picket.example").await.unwrap();
        let own = store
            .member_for_user(branch.id, member.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!rep_teams.contains(&own.team_id.unwrap()));
        assert!(own.details.contact.consent_date.is_some());
        assert!(
            own.details.joined_on.is_some(),
            "each demo member joined on a day"
        );
        // Each login of the branch opens a record with its own name and address.
        for (email, name, _) in crate::demo::DEMO_USERS {
            if *email == "admin@picket.example" {
                continue;
            }
            let user = store.user_by_email(email).await.unwrap();
            let own = store
                .member_for_user(branch.id, user.id)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{email} has a record"));
            assert_eq!(own.details.name, *name);
            assert_eq!(own.details.email.unwrap().as_str(), *email);
        }
    }

    #[tokio::test]
    async fn the_demo_unit_counts_members_who_joined_during_the_dispute_from_that_day() {
        let db = picket_test_support::test_db().await;
        let state = AppState::new(
            db.dyn_store(),
            Arc::new(picket_mail::MemoryMailer::new()),
            picket_test_support::test_settings(),
        );
        let store = state.store.clone();
        let branch = store
            .setup_branch(&"demo".parse().unwrap(), "Demo", Division::EnglandAndWales)
            .await
            .unwrap();
        for (email, name, role) in crate::demo::DEMO_USERS {
            if *email != "admin@picket.example" {
                store
                    .setup_branch_user(&email.parse().unwrap(), name, None, branch.id, *role)
                    .await
                    .unwrap();
            }
        }
        seed(&state, &branch).await.unwrap();
        let dispute = crate::demo_disputes::seed(&state, &branch).await.unwrap();
        let total = |day: &'static str| {
            let store = store.clone();
            async move {
                let teams = store
                    .unit_teams(branch.id, dispute, day.parse().unwrap())
                    .await
                    .unwrap();
                teams.iter().map(|t| t.members).sum::<u32>()
            }
        };
        // Rows 29, 89, 149, 209 and 269 of the demo file joined Community Mental Health North
        // on 10 March 2024.
        assert_eq!(membership_of(29).0, "10/03/2024");
        let before = total("2024-03-09").await;
        let after = total("2024-03-10").await;
        assert_eq!(after, before + 5, "{before} then {after}");
        assert_ne!(
            total("2023-09-01").await,
            total(crate::demo_disputes::DEMO_AS_OF).await
        );
    }
}
