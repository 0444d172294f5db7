//! `picket holidays`, `picket working-days`, `picket ballot check` and `picket notice`: the
//! bank-holiday calendar and the law engine on the command line.
//!
//! These commands need no database and no settings file. Each prints text for people by
//! default and JSON with `--json`; the JSON field names are a stable interface that other
//! tools script against, documented in each command's `--help`. Bad input exits with code 2
//! and a message naming the option to fix.

use crate::usage;
use chrono::{Datelike, NaiveDate, Weekday};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use picket_domain::calendar::{Calendar, ExtraHoliday, Holiday, WorkingDays};
use picket_domain::law::{
    assess_ballot, notice_deadline, BallotAssessment, BallotInput, IpsCategory, LawOverrides,
    Nation, NoticeAnswer,
};
use picket_domain::Division;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The first year these commands answer for.
const FIRST_YEAR: i32 = 1995;
/// The last year these commands answer for.
const LAST_YEAR: i32 = 2100;

/// The last line of every answer for people.
const NOT_ADVICE: &str = "Picket informs; it is not legal advice.";

/// List a division's bank holidays in a year, in date order.
///
/// Holidays are computed from the rules: fixed days, first and last Mondays, Easter,
/// substitute days for holidays at a weekend, and the one-off changes made by
/// proclamation up to those listed in LAW.md. Add later one-offs with --holidays-file.
///
/// With --json, prints a JSON array with one object per holiday, in date order:
///   [{"date": "2024-05-27", "name": "Spring bank holiday"}, ...]
///   date  the day off, YYYY-MM-DD (always Monday to Friday; substitute days applied)
///   name  its name, e.g. "Boxing Day (substitute day)"
/// These field names are stable.
#[derive(Debug, Clone, Args)]
#[command(
    verbatim_doc_comment,
    about = "List a division's bank holidays in a year (no database or settings needed)"
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
    about = "Count the working days between two dates, both included (no database or settings needed)"
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
    about = "Say by when the employer must receive notice of industrial action (no database or settings needed)"
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
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2024-05-27"))?;
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

/// The calendar with the one-offs from `--holidays-file`, if given.
fn calendar(holidays_file: Option<&Path>) -> anyhow::Result<Calendar> {
    let Some(path) = holidays_file else {
        return Ok(Calendar::default());
    };
    let extra = read_holidays(path)?;
    Calendar::new(extra).map_err(|e| usage(format!("--holidays-file: {}: {e}", path.display())))
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

/// "2024-05-27 (Monday)"
fn day(date: NaiveDate) -> String {
    format!("{date} ({})", date.format("%A"))
}

/// `picket holidays`
pub fn holidays(args: &HolidaysArgs) -> anyhow::Result<()> {
    let list = calendar(args.holidays_file.as_deref())?
        .holidays(args.division, args.year)
        .map_err(|e| naming_option(e, &["--year"]))?;
    if args.json {
        print_json(&list)
    } else {
        print!("{}", holidays_text(args.division, args.year, &list));
        Ok(())
    }
}

fn holidays_text(division: Division, year: i32, list: &[Holiday]) -> String {
    let mut out = format!("Bank holidays in {}, {year}\n\n", division.label());
    for h in list {
        let _ = writeln!(out, "  {:<24}{}", day(h.date), h.name);
    }
    let _ = writeln!(out, "\n{} bank holidays.", list.len());
    let _ = writeln!(out, "{NOT_ADVICE}");
    out
}

/// `picket working-days`
pub fn working_days(args: &WorkingDaysArgs) -> anyhow::Result<()> {
    let answer = calendar(args.holidays_file.as_deref())?
        .working_days(args.division, args.from, args.to)
        .map_err(|e| naming_option(e, &["--from", "--to"]))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", working_days_text(args, &answer));
        Ok(())
    }
}

fn working_days_text(args: &WorkingDaysArgs, answer: &WorkingDays) -> String {
    let division = args.division.label();
    let total = (args.to - args.from).num_days() + 1;
    let (weekend, holidays): (Vec<_>, Vec<_>) = answer
        .excluded
        .iter()
        .partition(|e| matches!(e.date.weekday(), Weekday::Sat | Weekday::Sun));
    let mut out = format!(
        "Working days in {division} from {} to {}, both included: {}\n\n",
        day(args.from),
        day(args.to),
        answer.working_days
    );
    let _ = writeln!(
        out,
        "Counting rule: Monday to Friday, less {division} bank holidays."
    );
    let _ = writeln!(
        out,
        "  {}, less {}, less {} = {}",
        plural(total, "day", "days"),
        plural(weekend.len(), "weekend day", "weekend days"),
        plural(
            holidays.len(),
            "bank holiday on a weekday",
            "bank holidays on weekdays",
        ),
        plural(answer.working_days, "working day", "working days"),
    );
    if !holidays.is_empty() {
        let _ = writeln!(out, "\nBank holidays not counted");
        for e in holidays {
            let _ = writeln!(out, "  {:<24}{}", day(e.date), e.reason);
        }
    }
    let _ = writeln!(out, "\n{NOT_ADVICE}");
    out
}

/// "1 day", "2 days".
fn plural(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    let n: u64 = n.try_into().unwrap_or(u64::MAX);
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `picket ballot …`
pub fn ballot(cmd: &BallotCommand) -> anyhow::Result<()> {
    match cmd {
        BallotCommand::Check(args) => ballot_check(args),
    }
}

fn ballot_check(args: &BallotCheckArgs) -> anyhow::Result<()> {
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
        assess_ballot(&input, &LawOverrides::default()).map_err(|e| naming_option(e, &options))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", ballot_text(&input, &answer));
        Ok(())
    }
}

fn ballot_text(input: &BallotInput, a: &BallotAssessment) -> String {
    let mut out = format!(
        "Ballot in {}, opened {}, closed {}\n",
        input.nation.label(),
        day(input.opened),
        day(input.closed)
    );
    let _ = writeln!(out, "Regime: {} (in force on the opening day)", a.regime);
    if let Some(ips) = input.ips {
        let _ = writeln!(out, "Important public services: {}", ips.label());
    }
    let _ = writeln!(out, "\nResult");
    let _ = writeln!(
        out,
        "  Entitled to vote {}; votes cast {} (turnout {}%)",
        input.entitled, input.cast, a.turnout_percent
    );
    let _ = writeln!(
        out,
        "  Yes {}, No {}, spoiled {}: Yes is {}% of votes cast and {}% of those entitled",
        input.yes, input.no, input.spoiled, a.yes_percent_of_cast, a.yes_percent_of_entitled
    );
    let _ = writeln!(out, "\nThresholds");
    for t in &a.thresholds {
        let _ = writeln!(
            out,
            "  [{}] {}\n        required {}%, actual {}% ({})",
            if t.met { "met" } else { "NOT MET" },
            t.name,
            t.required_percent,
            t.actual_percent,
            t.provision
        );
    }
    let _ = writeln!(out, "\nMandate");
    match a.mandate_last_day {
        Some(last) if a.valid_mandate => {
            let _ = writeln!(out, "  The ballot gives a mandate.");
            let _ = writeln!(out, "  Last day of the mandate: {}", day(last));
            if let Some(ext) = a.mandate_last_day_with_extension {
                let _ = writeln!(out, "  With the employer's agreement: {}", day(ext));
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "  NO MANDATE: the ballot does not meet every threshold above."
            );
        }
    }
    let _ = writeln!(out, "\nStatutory steps");
    for s in &a.steps {
        let _ = writeln!(out, "  - {}", s.name);
        match s.deadline {
            Some(d) => {
                let _ = writeln!(out, "    by {} ({})", day(d), s.provision);
            }
            None => {
                let _ = writeln!(out, "    ({})", s.provision);
            }
        }
    }
    assumptions_text(&mut out, &a.assumptions);
    let _ = writeln!(out, "\n{NOT_ADVICE}");
    out
}

fn assumptions_text(out: &mut String, assumptions: &[String]) {
    if assumptions.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAssumptions");
    for s in assumptions {
        let _ = writeln!(out, "  - {s}");
    }
}

/// `picket notice`
pub fn notice(args: &NoticeArgs) -> anyhow::Result<()> {
    let answer = notice_deadline(args.nation, args.action_starts, &LawOverrides::default())
        .map_err(|e| naming_option(e, &["--nation", "--action-starts"]))?;
    if args.json {
        print_json(&answer)
    } else {
        print!("{}", notice_text(args, &answer));
        Ok(())
    }
}

fn notice_text(args: &NoticeArgs, n: &NoticeAnswer) -> String {
    let mut out = format!(
        "Industrial action in {} starting {}\n\n",
        args.nation.label(),
        day(args.action_starts)
    );
    let _ = writeln!(
        out,
        "The employer must receive notice by: {}",
        day(n.notice_received_by)
    );
    let _ = writeln!(
        out,
        "  {} days' notice under {} ({})",
        n.period_days, n.regime, n.provision
    );
    if let Some(agreed) = n.notice_received_by_with_agreement {
        let _ = writeln!(
            out,
            "  If the employer agrees to shorter notice: {}",
            day(agreed)
        );
    }
    let _ = writeln!(
        out,
        "  Notice periods are calendar days: bank holidays do not move them. The notice counts\n  only if received on or after the day the employer was told the ballot result."
    );
    assumptions_text(&mut out, &n.assumptions);
    let _ = writeln!(out, "\n{NOT_ADVICE}");
    out
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
