//! `picket holidays`, `picket working-days`, `picket ballot check` and `picket notice`: the
//! bank-holiday calendar and the law engine on the command line.
//!
//! These commands need no database. They honour the settings (`--config` and `PICKET_*`) as
//! `picket serve` does: the one-off bank holidays of `extra_holidays` and the organiser's
//! overrides under `law`, each reported with its recorded reason. Each prints text for people by
//! default and JSON with `--json`; the JSON field names are a stable interface that other
//! tools script against, documented in each command's `--help`. Bad input exits with code 2
//! and a message naming the option to fix.

mod text;

use crate::usage;
use chrono::{Datelike, NaiveDate};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use picket_domain::calendar::{Calendar, ExtraHoliday};
use picket_domain::law::{
    assess_ballot, notice_deadline, BallotInput, IpsCategory, LawOverrides, Nation,
};
use picket_domain::Division;
use serde::Serialize;
use std::path::{Path, PathBuf};
use text::{ballot_text, holidays_text, notice_text, working_days_text};

/// The first year these commands answer for.
const FIRST_YEAR: i32 = 1995;
/// The last year these commands answer for.
const LAST_YEAR: i32 = 2100;

/// List a division's bank holidays in a year, in date order.
///
/// Holidays are computed from the rules: fixed days, first and last Mondays, Easter,
/// substitute days for holidays at a weekend, and the one-off changes made by
/// proclamation up to those listed in LAW.md. Later one-offs come from the settings'
/// [[extra_holidays]] and from --holidays-file.
///
/// With --json, prints a JSON array with one object per holiday, in date order:
///   [{"date": "2024-05-27", "name": "Spring bank holiday"}, ...]
///   date  the day off, YYYY-MM-DD (always Monday to Friday; substitute days applied)
///   name  its name, e.g. "Boxing Day (substitute day)"
/// These field names are stable.
#[derive(Debug, Clone, Args)]
#[command(
    verbatim_doc_comment,
    about = "List a division's bank holidays in a year (no database needed; honours extra_holidays and law settings)"
)]
pub struct HolidaysArgs {
    /// The bank-holiday division.
    #[arg(long, value_name = "DIVISION", value_parser = division_parser())]
    division: Division,
    /// The year, 1995 to 2100.
    #[arg(long, value_name = "YEAR", value_parser = parse_year)]
    year: i32,
    /// One-off bank holidays to add, as a JSON list:
    /// [{"date": "2030-05-10", "name": "…", "divisions": ["england-and-wales", "scotland"]}].
    /// An entry may also give "replaces": the date of the regular holiday it moves.
    #[arg(long, value_name = "FILE")]
    holidays_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Count the working days between two dates, both included.
///
/// A working day is a Monday to Friday that is not one of the division's bank holidays.
///
/// With --json, prints a JSON object:
///   {"working_days": 14, "excluded": [{"date": "2024-05-18", "reason": "Saturday"}, ...]}
///   working_days  how many working days, both ends included
///   excluded      every day of the range not counted, in date order:
///     date        YYYY-MM-DD
///     reason      "Saturday", "Sunday" or the bank holiday's name
/// These field names are stable.
#[derive(Debug, Clone, Args)]
#[command(
    verbatim_doc_comment,
    about = "Count the working days between two dates, both included (no database needed; honours extra_holidays and law settings)"
)]
pub struct WorkingDaysArgs {
    /// The bank-holiday division.
    #[arg(long, value_name = "DIVISION", value_parser = division_parser())]
    division: Division,
    /// The first day, YYYY-MM-DD (counted).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: NaiveDate,
    /// The last day, YYYY-MM-DD (counted).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: NaiveDate,
    /// One-off bank holidays to add, as a JSON list:
    /// [{"date": "2030-05-10", "name": "…", "divisions": ["england-and-wales", "scotland"]}].
    /// An entry may also give "replaces": the date of the regular holiday it moves.
    #[arg(long, value_name = "FILE")]
    holidays_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `picket ballot …`
#[derive(Debug, Clone, Subcommand)]
pub enum BallotCommand {
    // The help, with the JSON fields, is on `BallotCheckArgs`: a doc comment here would
    // replace it.
    Check(BallotCheckArgs),
}

/// Check a ballot result against the law in force on its opening day.
///
/// The organiser's overrides in the settings ([law.KEY] with value and reason, from
/// --config or PICKET_LAW__KEY__VALUE / PICKET_LAW__KEY__REASON) apply, and the answer
/// lists each one used with its reason under assumptions.
///
/// Shows the regime applied, turnout, the Yes vote as a share of votes cast and of those
/// entitled, each threshold with the figure required and the figure achieved, whether the
/// ballot gives a mandate and its last day, and the statutory steps with their deadlines,
/// each with the provision behind it. Where the law is unconfirmed or ambiguous Picket
/// takes the reading that keeps the union safe and lists it under assumptions.
///
/// With --json, prints a JSON object:
///   regime                            the regime applied, chosen by the opening day
///   turnout_percent                   votes cast / entitled, % to 2 decimal places
///   yes_percent_of_cast               Yes / votes cast, %
///   yes_percent_of_entitled           Yes / entitled, %
///   thresholds                        every test in force, majority first, each:
///     name                            what is tested, in words
///     required_percent                the % required
///     actual_percent                  the % achieved, to 2 decimal places
///     met                             true or false (decided on whole numbers)
///     provision                       the statutory provision
///   valid_mandate                     true if every threshold was met
///   mandate_last_day                  YYYY-MM-DD, or null without a mandate
///   mandate_last_day_with_extension   YYYY-MM-DD if the employer agrees, where the
///                                     regime allows an extension, else null
///   steps                             the statutory steps, each:
///     name                            what must be done
///     deadline                        YYYY-MM-DD, or null where the law sets none
///     provision                       the statutory provision
///   assumptions                       list of sentences: every unconfirmed figure and
///                                     reading the answer rests on
/// These field names are stable.
#[derive(Debug, Clone, Args)]
#[command(
    verbatim_doc_comment,
    about = "Check a ballot result against the law: thresholds, mandate, statutory steps"
)]
pub struct BallotCheckArgs {
    /// Where the members work.
    #[arg(long, value_name = "NATION", value_parser = nation_parser())]
    nation: Nation,
    /// The day the ballot opened, YYYY-MM-DD (decides the regime).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    opened: NaiveDate,
    /// The day the ballot closed, YYYY-MM-DD ("the date of the ballot").
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    closed: NaiveDate,
    /// Members entitled to vote.
    #[arg(long, value_name = "N")]
    entitled: u32,
    /// Votes cast, spoiled papers included.
    #[arg(long, value_name = "N")]
    cast: u32,
    /// Yes votes.
    #[arg(long, value_name = "N")]
    yes: u32,
    /// No votes.
    #[arg(long, value_name = "N")]
    no: u32,
    /// Spoiled papers.
    #[arg(long, value_name = "N", default_value_t = 0)]
    spoiled: u32,
    /// The category of important public services, when most of those entitled are normally
    /// engaged in one (social work and social care are not among them).
    #[arg(long, value_name = "CATEGORY", value_parser = ips_parser())]
    ips: Option<IpsCategory>,
    /// The employer is a devolved Welsh public authority (Wales only).
    #[arg(long)]
    welsh_devolved_authority: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Say by when the employer must receive notice of industrial action.
///
/// The organiser's overrides in the settings ([law.KEY] with value and reason) apply, and
/// the answer lists each one used with its reason under assumptions.
///
/// Notice periods are calendar days: bank holidays do not move them. The regime is the one
/// in force on the day the notice is received; near a change in the law Picket gives the
/// safe date and says so under assumptions. A notice counts only if received on or after
/// the day the employer was told the ballot result.
///
/// With --json, prints a JSON object:
///   notice_received_by                  YYYY-MM-DD: the last day the employer may
///                                       receive the notice
///   notice_received_by_with_agreement   YYYY-MM-DD where the employer agrees to shorter
///                                       notice and the regime allows it, else null
///   period_days                         the days' notice that decides notice_received_by
///   regime                              the regime in force on notice_received_by
///   provision                           the statutory provision
///   assumptions                         list of sentences the answer rests on
/// These field names are stable.
#[derive(Debug, Clone, Args)]
#[command(
    verbatim_doc_comment,
    about = "Say by when the employer must receive notice of industrial action (no database needed; honours extra_holidays and law settings)"
)]
pub struct NoticeArgs {
    /// Where the members work.
    #[arg(long, value_name = "NATION", value_parser = nation_parser())]
    nation: Nation,
    /// The first day of industrial action, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    action_starts: NaiveDate,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

fn division_parser() -> impl TypedValueParser<Value = Division> {
    PossibleValuesParser::new(Division::ALL.map(Division::as_str))
        .try_map(|s| s.parse::<Division>())
}

fn nation_parser() -> impl TypedValueParser<Value = Nation> {
    PossibleValuesParser::new(Nation::ALL.map(Nation::as_str)).try_map(|s| s.parse::<Nation>())
}

fn ips_parser() -> impl TypedValueParser<Value = IpsCategory> {
    PossibleValuesParser::new(IpsCategory::ALL.map(IpsCategory::as_str))
        .try_map(|s| s.parse::<IpsCategory>())
}

fn out_of_range(what: impl std::fmt::Display) -> String {
    format!("{what} is outside the years Picket covers ({FIRST_YEAR} to {LAST_YEAR})")
}

/// A day as YYYY-MM-DD within the years Picket covers.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let date = picket_domain::parse_iso_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2024-05-27"))?;
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(out_of_range(date))
    }
}

/// A year within the years Picket covers.
fn parse_year(s: &str) -> Result<i32, String> {
    let s = s.trim();
    let year: i32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a year: write it as four digits, e.g. 2024"))?;
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(out_of_range(format!("the year {year}")))
    }
}

/// A usage error from a domain error whose message starts with the field to fix, naming
/// the command-line option instead (`closed: …` becomes `--closed: …`) when the field is
/// one of `options`.
fn naming_option(err: impl std::fmt::Display, options: &[&str]) -> anyhow::Error {
    let text = err.to_string();
    if let Some((field, rest)) = text.split_once(": ") {
        let option = format!("--{}", field.replace('_', "-"));
        if options.contains(&option.as_str()) {
            return usage(format!("{option}: {rest}"));
        }
    }
    usage(text)
}

/// What the law commands take from the settings: `extra_holidays` and the `law` overrides.
#[derive(Debug, Clone, Default)]
pub struct LawSettings {
    /// One-off bank holidays from `[[extra_holidays]]`.
    pub extra_holidays: Vec<ExtraHoliday>,
    /// The organiser's overrides from `[law.KEY]`.
    pub overrides: LawOverrides,
}

impl From<&picket_web::Settings> for LawSettings {
    fn from(s: &picket_web::Settings) -> Self {
        Self {
            extra_holidays: s.extra_holidays.clone(),
            overrides: s.law.clone(),
        }
    }
}

/// The calendar with the one-offs from the settings and from `--holidays-file`, if given.
fn calendar(holidays_file: Option<&Path>, settings: &LawSettings) -> anyhow::Result<Calendar> {
    let mut extra = settings.extra_holidays.clone();
    let Some(path) = holidays_file else {
        // Settings were validated when loaded, so this calendar builds.
        return Calendar::new(extra).map_err(|e| usage(format!("extra_holidays: {e}")));
    };
    extra.extend(read_holidays(path)?);
    Calendar::new(extra).map_err(|e| {
        usage(format!(
            "--holidays-file: {} (with the settings' extra_holidays): {e}",
            path.display()
        ))
    })
}

fn read_holidays(path: &Path) -> anyhow::Result<Vec<ExtraHoliday>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "--holidays-file: cannot read {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "--holidays-file: {} is not a JSON list of holidays ({e}); each needs \"date\", \"name\" and \"divisions\"",
            path.display()
        ))
    })
}

/// Prints `value` as JSON.
fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// `picket holidays`
pub fn holidays(args: &HolidaysArgs, settings: &LawSettings) -> anyhow::Result<()> {
    let list = calendar(args.holidays_file.as_deref(), settings)?
        .holidays(args.division, args.year)
        .map_err(|e| naming_option(e, &["--year"]))?;
    if args.json {
        print_json(&list)
    } else {
        print!("{}", holidays_text(args.division, args.year, &list));
        Ok(())
    }
}

/// `picket working-days`
pub fn working_days(args: &WorkingDaysArgs, settings: &LawSettings) -> anyhow::Result<()> {
    let answer = calendar(args.holidays_file.as_deref(), settings)?
        .working_days(args.division, args.from, args.to)
        .map_err(|e| naming_option(e, &["--from", "--to"]))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", working_days_text(args, &answer));
        Ok(())
    }
}

/// `picket ballot …`
pub fn ballot(cmd: &BallotCommand, settings: &LawSettings) -> anyhow::Result<()> {
    match cmd {
        BallotCommand::Check(args) => ballot_check(args, settings),
    }
}

fn ballot_check(args: &BallotCheckArgs, settings: &LawSettings) -> anyhow::Result<()> {
    let input = BallotInput {
        nation: args.nation,
        opened: args.opened,
        closed: args.closed,
        entitled: args.entitled,
        cast: args.cast,
        yes: args.yes,
        no: args.no,
        spoiled: args.spoiled,
        ips: args.ips,
        welsh_devolved_authority: args.welsh_devolved_authority,
    };
    let options = [
        "--nation",
        "--opened",
        "--closed",
        "--entitled",
        "--cast",
        "--yes",
        "--no",
        "--spoiled",
        "--ips",
        "--welsh-devolved-authority",
    ];
    let answer =
        assess_ballot(&input, &settings.overrides).map_err(|e| naming_option(e, &options))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", ballot_text(&input, &answer));
        Ok(())
    }
}

/// `picket notice`
pub fn notice(args: &NoticeArgs, settings: &LawSettings) -> anyhow::Result<()> {
    let answer = notice_deadline(args.nation, args.action_starts, &settings.overrides)
        .map_err(|e| naming_option(e, &["--nation", "--action-starts"]))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", notice_text(args, &answer));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_years_are_checked() {
        assert_eq!(
            parse_date(" 2024-05-27 "),
            Ok(NaiveDate::from_ymd_opt(2024, 5, 27).unwrap())
        );
        assert!(parse_date("27/05/2024").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("2024-5-27").is_err());
        assert!(parse_date("+002024-05-27").is_err());
        assert_eq!(
            parse_date("1994-12-31").unwrap_err(),
            "1994-12-31 is outside the years Picket covers (1995 to 2100)"
        );
        assert_eq!(parse_year("2100"), Ok(2100));
        assert!(parse_year("2101").unwrap_err().contains("the year 2101"));
        assert!(parse_year("twenty").is_err());
    }

    #[test]
    fn domain_fields_become_options() {
        let e = naming_option("closed: the ballot closed early", &["--closed"]);
        assert_eq!(e.to_string(), "--closed: the ballot closed early");
        let e = naming_option(
            "welsh_devolved_authority: only Wales",
            &["--welsh-devolved-authority"],
        );
        assert_eq!(e.to_string(), "--welsh-devolved-authority: only Wales");
        // A field that is not an option of this command is left as the domain wrote it.
        let e = naming_option("overrides.x: no reason", &["--closed"]);
        assert_eq!(e.to_string(), "overrides.x: no reason");
        assert!(e.downcast_ref::<crate::UsageError>().is_some());
    }
}
