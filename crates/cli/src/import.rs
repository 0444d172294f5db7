//! `picket import members` (a CSV of members, all or nothing, with a progress bar) and
//! `picket team` (the teams members are imported into and reps represent).

use crate::db::open_and_migrate;
use crate::usage;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use picket_domain::members::import::{parse_file, ColumnMap, RowChange};
use picket_domain::BranchId;
use picket_store::members::{ImportOptions, ImportOutcome, ImportPhase};
use picket_store::prelude::*;
use picket_store::{Branch, NewAuditEntry, StoreError};
use picket_web::Settings;
use std::path::PathBuf;
use std::time::Instant;

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import members from a CSV file (UTF-8 with or without BOM, or Windows-1252), matched by
    /// membership number: new numbers are added, known ones updated, columns the file lacks
    /// left alone. If any row is rejected nothing is imported and every rejected row is listed
    /// (row, field, reason); the exit code is then 2.
    Members(ImportMembersArgs),
    /// Load an archive from `picket export instance` (or `picket backup`) into an empty
    /// database of either engine, to move an instance between SQLite and PostgreSQL. The same
    /// archive format and code as `picket restore`.
    Instance(crate::backup::RestoreArgs),
}

/// `picket import members FILE --branch S [--dry-run] [--map COLUMN=field …]`
#[derive(Debug, Args)]
pub struct ImportMembersArgs {
    /// The CSV file; its first row names the columns.
    pub file: PathBuf,
    /// The branch's slug.
    #[arg(long)]
    pub branch: String,
    /// Report what would change (new, updated, unchanged, rejected) and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Map a column to a field, e.g. --map "Member No=membership_number" (repeatable).
    /// Fields: membership_number, name, email, phone, employer, team, workplace, job_title,
    /// daily_pay, rep, contact_email, contact_phone, consent_wording, consent_date, joined_on,
    /// left_on. Headings that already name a field need none (also common spellings, e.g.
    /// "Member No", "Joined", "Date Joined", "Join Date", "Left", "Leaving Date"); without
    /// --map the branch's saved mapping is used, and a mapping given is saved when the import
    /// is applied. Dates are 2024-05-01 or 01/05/2024; joined_on and left_on are when the
    /// membership began and ended, and a dispute's counts of members called out and entitled
    /// to vote follow them.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Create the teams the file names that the branch does not have yet, with the import
    /// (all or nothing, like the rows). Without it their rows are rejected, and the report
    /// lists the teams that would be created. The name may also be given as Forename (or
    /// First Name) and Surname (or Last Name) columns, joined with a space; a Title column
    /// beside them is a courtesy title and is left out.
    #[arg(long)]
    pub create_teams: bool,
}

/// `picket team …`
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team to a branch.
    Add {
        /// The branch's slug.
        #[arg(long)]
        branch: String,
        /// The team's name (unique in the branch, ignoring case).
        #[arg(long)]
        name: String,
        /// Where it works.
        #[arg(long)]
        workplace: Option<String>,
    },
    /// List a branch's teams.
    List {
        /// The branch's slug.
        #[arg(long)]
        branch: String,
    },
    /// Set the teams a rep represents (replacing any they had; none clears them).
    Reps {
        /// The branch's slug.
        #[arg(long)]
        branch: String,
        /// The rep's email (they must hold the rep role in the branch).
        #[arg(long)]
        email: String,
        /// A team's name (repeatable).
        #[arg(long = "team")]
        teams: Vec<String>,
    },
}

async fn branch(store: &dyn Store, slug: &str) -> anyhow::Result<Branch> {
    store.branch_by_slug(slug).await.map_err(|e| match e {
        StoreError::NotFound => usage(format!("--branch: there is no branch `{slug}`")),
        other => other.into(),
    })
}

/// `picket import …`
pub async fn import(settings: Settings, cmd: &ImportCommand) -> anyhow::Result<()> {
    let args = match cmd {
        ImportCommand::Members(args) => args,
        ImportCommand::Instance(args) => return crate::backup::restore(&settings, args).await,
    };
    let started = Instant::now();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| usage(format!("cannot read {}: {e}", args.file.display())))?;
    let store = open_and_migrate(&settings).await?;
    let branch = branch(&store, &args.branch).await?;
    let given = ColumnMap::parse_lines(args.map.iter().map(String::as_str))
        .map_err(|e| usage(format!("--map: {e}")))?;
    let map = if given.pairs.is_empty() {
        store.import_map(branch.id).await?.unwrap_or_default()
    } else {
        given.clone()
    };
    let file =
        parse_file(&bytes, &map).map_err(|e| usage(format!("{}: {e}", args.file.display())))?;
    let bar = ProgressBar::new(file.rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} rows ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |phase: ImportPhase, done: u64, total: u64| {
        bar.set_message(match phase {
            ImportPhase::Checking => "checking",
            ImportPhase::Writing => "writing",
        });
        bar.set_length(total);
        bar.set_position(done);
    };
    let options = ImportOptions {
        dry_run: args.dry_run,
        today: chrono::Utc::now().date_naive(),
        save_map: (!given.pairs.is_empty()).then_some(given),
    };
    // The records, the teams they need and the audit entries are one unit: all, or none.
    let mut work = store.begin().await?;
    let created = if args.create_teams {
        work.create_missing_teams(branch.id, &file.teams()).await?
    } else {
        Vec::new()
    };
    let mut outcome = work
        .import_members(branch.id, &file, &options, &progress)
        .await?;
    if !created.is_empty() {
        outcome.new_teams = created.iter().map(|t| t.name.clone()).collect();
        if outcome.applied {
            for team in &created {
                work.audit(cli_entry(
                    branch.id,
                    "team.add",
                    format!("team:{}", team.id),
                    Some("by=member.import".into()),
                ))
                .await?;
            }
        } else {
            // A dry run or a refused import keeps no team it made to check the rows: only
            // its audit entry is written.
            drop(work);
            work = store.begin().await?;
        }
    }
    work.audit(cli_entry(
        branch.id,
        "member.import",
        format!("branch:{}", branch.id),
        Some(picket_web::members::import::summary(
            args.dry_run,
            Some(&outcome),
        )),
    ))
    .await?;
    work.commit().await?;
    bar.finish_and_clear();
    report(
        &branch,
        &outcome,
        args.dry_run,
        file.encoding.label(),
        started,
    );
    if !outcome.new_teams.is_empty() {
        let how = if outcome.applied {
            "created"
        } else if args.create_teams {
            "would be created"
        } else {
            "not in the branch: run again with --create-teams to create them"
        };
        println!("new teams ({how}): {}", outcome.new_teams.join(", "));
    }
    if !outcome.rejected.is_empty() {
        let teams = if outcome.new_teams.is_empty() || args.create_teams {
            ""
        } else {
            " (rows naming a team the branch does not have yet are imported with --create-teams)"
        };
        return Err(usage(format!(
            "{} rows rejected: {}{teams}",
            outcome.rejected.len(),
            if args.dry_run {
                "correct them before importing"
            } else {
                "nothing was imported; correct them and run the import again"
            }
        )));
    }
    Ok(())
}

fn report(branch: &Branch, o: &ImportOutcome, dry_run: bool, encoding: &str, started: Instant) {
    if dry_run {
        for c in &o.changes {
            let what = match &c.change {
                RowChange::New => "new".to_string(),
                RowChange::Updated { fields } => format!(
                    "updated: {}",
                    fields
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                RowChange::Unchanged => "unchanged".to_string(),
            };
            println!("row {}\t{}\t{what}", c.row, c.membership_number);
        }
    }
    for p in &o.rejected {
        eprintln!("rejected {p}");
    }
    let verdict = if o.applied {
        "imported"
    } else if dry_run {
        "dry run, nothing changed"
    } else {
        "refused, nothing changed"
    };
    println!(
        "{}: {} rows ({encoding}): {} new, {} updated, {} unchanged, {} rejected; {verdict} in {:.1}s",
        branch.slug,
        o.total,
        o.created,
        o.updated,
        o.unchanged,
        o.rejected.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The audit entry of a change made from the command line (no account makes it).
fn cli_entry(
    branch: BranchId,
    action: &str,
    subject: String,
    detail: Option<String>,
) -> NewAuditEntry {
    NewAuditEntry {
        actor: None,
        branch: Some(branch),
        action: action.into(),
        subject: Some(subject),
        detail: Some(match detail {
            Some(d) => format!("{d}; via=cli"),
            None => "via=cli".into(),
        }),
        request_id: None,
    }
}

/// `picket team …`
pub async fn team(settings: Settings, cmd: &TeamCommand) -> anyhow::Result<()> {
    let store = open_and_migrate(&settings).await?;
    match cmd {
        TeamCommand::Add {
            branch: slug,
            name,
            workplace,
        } => {
            let b = branch(&store, slug).await?;
            let name = picket_domain::members::optional_text(name, 100)
                .map_err(|e| usage(format!("--name {e}")))?
                .ok_or_else(|| usage("--name must not be empty"))?;
            let mut work = store.begin().await?;
            let team = work
                .create_team(b.id, &name, workplace.as_deref())
                .await
                .map_err(|e| match e {
                    StoreError::Conflict(_) => {
                        usage(format!("--name: {slug} already has a team called `{name}`"))
                    }
                    other => other.into(),
                })?;
            work.audit(cli_entry(
                b.id,
                "team.add",
                format!("team:{}", team.id),
                None,
            ))
            .await?;
            work.commit().await?;
            println!("added team {} ({}) to {slug}", team.name, team.id);
        }
        TeamCommand::List { branch: slug } => {
            let b = branch(&store, slug).await?;
            for t in store.teams(b.id).await? {
                println!("{}\t{}\t{}", t.id, t.name, t.workplace.unwrap_or_default());
            }
        }
        TeamCommand::Reps {
            branch: slug,
            email,
            teams,
        } => {
            let b = branch(&store, slug).await?;
            let user = store.user_by_email(email).await.map_err(|e| match e {
                StoreError::NotFound => usage(format!("--email: no user has the address {email}")),
                other => other.into(),
            })?;
            let is_rep = store
                .memberships_of(user.id)
                .await?
                .iter()
                .any(|m| m.branch.id == b.id && m.role == picket_domain::Role::Rep);
            if !is_rep {
                return Err(usage(format!("--email: {email} is not a rep in {slug}")));
            }
            let all = store.teams(b.id).await?;
            let mut ids = Vec::new();
            for name in teams {
                let team = all
                    .iter()
                    .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| usage(format!("--team: {slug} has no team `{name}`")))?;
                ids.push(team.id);
            }
            let teams = ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let mut work = store.begin().await?;
            work.set_rep_teams(b.id, user.id, &ids).await?;
            work.audit(cli_entry(
                b.id,
                "team.reps",
                format!("user:{}", user.id),
                Some(format!("teams={teams}")),
            ))
            .await?;
            work.commit().await?;
            println!("{email} represents {} team(s) in {slug}", ids.len());
        }
    }
    Ok(())
}
