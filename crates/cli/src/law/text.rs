//! The answers of the calendar and law commands as text for people, each with its working.

use super::{NoticeArgs, WorkingDaysArgs};
use chrono::{Datelike, NaiveDate, Weekday};
use picket_domain::calendar::{Holiday, WorkingDays};
use picket_domain::law::{BallotAssessment, BallotInput, NoticeAnswer};
use picket_domain::Division;
use std::fmt::Write as _;

/// The last line of every answer for people.
const NOT_ADVICE: &str = "Picket informs; it is not legal advice.";

/// "2024-05-27 (Monday)"
fn day(date: NaiveDate) -> String {
    format!("{date} ({})", date.format("%A"))
}

pub(super) fn holidays_text(division: Division, year: i32, list: &[Holiday]) -> String {
    let mut out = format!("Bank holidays in {}, {year}\n\n", division.label());
    for h in list {
        let _ = writeln!(out, "  {:<24}{}", day(h.date), h.name);
    }
    let _ = writeln!(out, "\n{} bank holidays.", list.len());
    let _ = writeln!(out, "{NOT_ADVICE}");
    out
}

pub(super) fn working_days_text(args: &WorkingDaysArgs, answer: &WorkingDays) -> String {
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

pub(super) fn ballot_text(input: &BallotInput, a: &BallotAssessment) -> String {
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

pub(super) fn notice_text(args: &NoticeArgs, n: &NoticeAnswer) -> String {
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
