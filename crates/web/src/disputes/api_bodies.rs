//! The API's request bodies, typed: numbers are JSON numbers, ids typed ids, flags booleans,
//! dates `YYYY-MM-DD` strings. Each becomes the input the HTML forms fill in, so what is
//! checked (and how each fault names its field) is decided in one place, [`crate::disputes`].
//! A value of the wrong type is refused by [`crate::extract::json::ApiJson`] naming its field.

use crate::disputes::edits::ParticipationInput;
use crate::disputes::{
    BallotForm, ClaimInput, DisputeInput, EventInput, PartyInput, PeriodInput, QuestionInput,
    RateInput, ResultInput,
};
use picket_domain::BallotId;
use serde::Deserialize;
use utoipa::ToSchema;

/// A number as the forms' text ("" when not given).
fn text<T: ToString>(n: Option<T>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// A dispute.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DisputeBody {
    /// Title (1–200 characters).
    pub title: String,
    /// Employer.
    pub employer: String,
    /// `england`, `wales`, `scotland` or `northern-ireland`.
    pub nation: String,
    /// `preparing`, `balloting`, `in-action`, `suspended`, `settled` or `closed`.
    pub status: String,
    /// A public summary.
    pub summary: String,
}

impl From<DisputeBody> for DisputeInput {
    fn from(b: DisputeBody) -> Self {
        DisputeInput {
            title: b.title,
            employer: b.employer,
            nation: b.nation,
            status: b.status,
            summary: b.summary,
        }
    }
}

/// A decision-maker or team.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartyBody {
    /// `decision-maker` or `team`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Role (decision-maker) or workplace (team).
    pub detail: String,
    /// Email (decision-maker).
    pub email: Option<String>,
    /// Postal address (decision-maker).
    pub address: Option<String>,
    /// Headcount (team).
    pub headcount: Option<u32>,
}

impl From<PartyBody> for PartyInput {
    fn from(b: PartyBody) -> Self {
        PartyInput {
            kind: b.kind,
            name: b.name,
            detail: b.detail,
            email: b.email.unwrap_or_default(),
            address: b.address.unwrap_or_default(),
            headcount: text(b.headcount),
        }
    }
}

/// A claim or offer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ClaimBody {
    /// `claim` or `offer`.
    pub kind: String,
    /// When it was made, YYYY-MM-DD.
    pub dated: String,
    /// What is claimed or offered.
    pub summary: String,
    /// `tabled`, `rejected`, `withdrawn` or `accepted`.
    pub status: String,
}

impl From<ClaimBody> for ClaimInput {
    fn from(b: ClaimBody) -> Self {
        ClaimInput {
            kind: b.kind,
            dated: b.dated,
            summary: b.summary,
            status: b.status,
        }
    }
}

/// A timeline entry.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EventBody {
    /// When, YYYY-MM-DD.
    pub dated: String,
    /// `meeting`, `letter`, `offer`, `failure-to-agree`, `acas`, `ballot`, `notice`, `action`, `press` or `note`.
    pub kind: String,
    /// What happened.
    pub title: String,
    /// The outcome.
    pub outcome: String,
    /// Shown on the public dispute page.
    pub public: bool,
}

impl From<EventBody> for EventInput {
    fn from(b: EventBody) -> Self {
        EventInput {
            dated: b.dated,
            kind: b.kind,
            title: b.title,
            outcome: b.outcome,
            public: b.public,
        }
    }
}

/// An impact rate.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RateBody {
    /// What is counted, e.g. "service-user contacts".
    pub label: String,
    /// How many per worker per strike day, e.g. 10 or 2.5 (two decimal places at most).
    #[schema(value_type = Option<f64>)]
    pub per_worker_day: Option<serde_json::Number>,
}

impl From<RateBody> for RateInput {
    fn from(b: RateBody) -> Self {
        RateInput {
            label: b.label,
            per_worker_day: text(b.per_worker_day),
        }
    }
}

/// A ballot; the result fields may be left out until it closes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BallotBody {
    /// `statutory`, `consultative` or `survey`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Opening day, YYYY-MM-DD.
    pub opened: String,
    /// Closing day, YYYY-MM-DD.
    pub closed: String,
    /// Members entitled to vote, typed by hand (absent: counted from the member records in the
    /// dispute's teams on the opening day).
    pub entitled: Option<u32>,
    /// Why the number entitled is typed by hand (required with `entitled`).
    pub entitled_reason: Option<String>,
    /// Votes cast.
    pub cast: Option<u32>,
    /// Yes votes.
    pub yes: Option<u32>,
    /// No votes.
    pub no: Option<u32>,
    /// Spoiled papers (absent: 0).
    pub spoiled: Option<u32>,
    /// The day the employer was told the result, YYYY-MM-DD.
    pub result_to_employer: Option<String>,
    /// Important public services category, if most of those entitled work in one.
    pub ips: Option<String>,
    /// At a devolved Welsh public authority.
    pub welsh_devolved: bool,
    /// The employer agreed to extend the mandate.
    pub extension_agreed: bool,
}

impl From<BallotBody> for BallotForm {
    fn from(b: BallotBody) -> Self {
        BallotForm {
            kind: b.kind,
            title: b.title,
            opened: b.opened,
            closed: b.closed,
            entitled: text(b.entitled),
            entitled_reason: b.entitled_reason.unwrap_or_default(),
            cast: text(b.cast),
            yes: text(b.yes),
            no: text(b.no),
            spoiled: text(b.spoiled),
            result_to_employer: b.result_to_employer.unwrap_or_default(),
            ips: b.ips.unwrap_or_default(),
            welsh_devolved: b.welsh_devolved,
            extension_agreed: b.extension_agreed,
        }
    }
}

/// A ballot's result.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResultBody {
    /// Votes cast.
    pub cast: Option<u32>,
    /// Yes votes.
    pub yes: Option<u32>,
    /// No votes.
    pub no: Option<u32>,
    /// Spoiled papers (absent: 0).
    pub spoiled: Option<u32>,
    /// The day the employer was told, YYYY-MM-DD.
    pub result_to_employer: Option<String>,
}

impl From<ResultBody> for ResultInput {
    fn from(b: ResultBody) -> Self {
        ResultInput {
            cast: text(b.cast),
            yes: text(b.yes),
            no: text(b.no),
            spoiled: text(b.spoiled),
            result_to_employer: b.result_to_employer.unwrap_or_default(),
        }
    }
}

/// A survey question and its leading answer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct QuestionBody {
    /// The question.
    pub question: String,
    /// The answer reported, e.g. "No".
    pub answer: String,
    /// Its share, 0 to 100 (two decimal places at most).
    #[schema(value_type = Option<f64>)]
    pub percent: Option<serde_json::Number>,
}

impl From<QuestionBody> for QuestionInput {
    fn from(b: QuestionBody) -> Self {
        QuestionInput {
            question: b.question,
            answer: b.answer,
            percent: text(b.percent),
        }
    }
}

/// A period of action.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PeriodBody {
    /// `strike` or `asos`.
    pub kind: String,
    /// The ballot whose mandate covers it (absent: the latest with a result).
    #[schema(value_type = Option<i64>)]
    pub ballot_id: Option<BallotId>,
    /// First day, YYYY-MM-DD.
    pub starts: String,
    /// Last day, YYYY-MM-DD.
    pub ends: String,
    /// Teams called out.
    pub teams: String,
    /// How many members are called out, typed by hand (absent: counted from the member records
    /// in the dispute's teams on the first day).
    pub called_out: Option<u32>,
    /// Why the number called out is typed by hand (required with `called_out`).
    pub called_out_reason: Option<String>,
    /// The day the employer received notice, YYYY-MM-DD (absent: not yet).
    pub notice_received: Option<String>,
    /// Bank holidays in the period to count as strike days, each YYYY-MM-DD.
    pub holidays_as_strike: Vec<String>,
}

impl From<PeriodBody> for PeriodInput {
    fn from(b: PeriodBody) -> Self {
        PeriodInput {
            kind: b.kind,
            ballot_id: text(b.ballot_id),
            starts: b.starts,
            ends: b.ends,
            teams: b.teams,
            called_out: text(b.called_out),
            called_out_reason: b.called_out_reason.unwrap_or_default(),
            notice_received: b.notice_received.unwrap_or_default(),
            holidays_as_strike: b.holidays_as_strike.join(","),
        }
    }
}

/// How many took part, on a strike day or over the whole period.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ParticipationBody {
    /// The strike day, YYYY-MM-DD (absent: the whole period).
    pub day: Option<String>,
    /// How many members took part (at most the number called out).
    pub took_part: Option<u32>,
}

impl From<ParticipationBody> for ParticipationInput {
    fn from(b: ParticipationBody) -> Self {
        ParticipationInput {
            day: b.day.unwrap_or_default(),
            took_part: text(b.took_part),
        }
    }
}

/// An organiser's confirmation that a period of action may be public despite its warnings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationBody {
    /// The code of every warning the period has now (from its `warnings`), each confirmed:
    /// a warning not named here keeps the period private.
    pub despite: Vec<String>,
}
