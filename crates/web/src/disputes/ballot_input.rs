//! Ballots as typed: the ballot with its optional result, a result entered later, and a
//! survey question. The law engine checks the figures whatever the kind of ballot.

use super::{
    date, flag, hand_figure, hundredths, law_error, number, one_of, optional_date, required,
};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use picket_domain::disputes::BallotKind;
use picket_domain::law::{BallotInput, IpsCategory, LawError, LawOverrides};
use picket_domain::Nation;
use picket_store::disputes::{BallotResult, NewBallot, NewStep};
use serde::{Deserialize, Serialize};

/// A ballot as typed; the result fields may be left empty until it closes.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BallotForm {
    /// `statutory`, `consultative` or `survey`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Opening day, YYYY-MM-DD.
    pub opened: String,
    /// Closing day, YYYY-MM-DD.
    pub closed: String,
    /// Members entitled to vote, typed by hand (empty: counted from the member records in
    /// the dispute's teams on the opening day).
    pub entitled: String,
    /// Why the number entitled is typed by hand.
    pub entitled_reason: String,
    /// Votes cast (empty until the result).
    pub cast: String,
    /// Yes votes.
    pub yes: String,
    /// No votes.
    pub no: String,
    /// Spoiled papers (empty: 0).
    pub spoiled: String,
    /// The day the employer was told the result.
    pub result_to_employer: String,
    /// Important public services category, or empty.
    pub ips: String,
    /// At a devolved Welsh public authority.
    #[serde(deserialize_with = "flag")]
    pub welsh_devolved: bool,
    /// The employer agreed to extend the mandate.
    #[serde(deserialize_with = "flag")]
    pub extension_agreed: bool,
}

/// The validated result fields of a ballot form, if any were given. A figure given wrongly is
/// named before a figure not given at all, so each fault is reported under its own field.
fn result_of(cast: &str, yes: &str, no: &str, spoiled: &str) -> AppResult<Option<BallotResult>> {
    let figures = [
        ("cast", cast),
        ("yes", yes),
        ("no", no),
        ("spoiled", spoiled),
    ];
    if figures.iter().all(|(_, s)| s.trim().is_empty()) {
        return Ok(None);
    }
    let mut given = [None; 4];
    for (slot, (field, value)) in given.iter_mut().zip(figures) {
        if !value.trim().is_empty() {
            *slot = Some(number(field, value)?);
        }
    }
    let required = |i: usize| {
        given[i].ok_or_else(|| {
            AppError::invalid(
                figures[i].0,
                format!("{}: fill this in with the number of votes", figures[i].0),
            )
        })
    };
    Ok(Some(BallotResult {
        cast: required(0)?,
        yes: required(1)?,
        no: required(2)?,
        spoiled: given[3].unwrap_or(0),
    }))
}

/// The law engine's input for a ballot with `entitled` members entitled to vote and a result.
pub fn law_input(
    nation: Nation,
    new: &NewBallot,
    entitled: u32,
    result: BallotResult,
) -> BallotInput {
    BallotInput {
        nation,
        opened: new.opened,
        closed: new.closed,
        entitled,
        cast: result.cast,
        yes: result.yes,
        no: result.no,
        spoiled: result.spoiled,
        ips: new.ips,
        welsh_devolved_authority: new.welsh_devolved,
    }
}

impl BallotForm {
    /// The validated ballot, with its statutory steps when it is a statutory ballot. Checks
    /// the figures with the law engine (closed before opened, cast over entitled, votes that
    /// do not add up), whatever the kind.
    pub fn parse(&self, nation: Nation) -> AppResult<NewBallot> {
        let kind = one_of::<BallotKind>("kind", &self.kind)?;
        let ips = match self.ips.trim() {
            "" | "none" => None,
            s => Some(s.parse::<IpsCategory>().map_err(law_error)?),
        };
        let mut new = NewBallot {
            kind,
            title: required("title", &self.title, 200)?,
            opened: date("opened", &self.opened)?,
            closed: date("closed", &self.closed)?,
            entitled: hand_figure(
                ("entitled", &self.entitled),
                ("entitled_reason", &self.entitled_reason),
            )?,
            ips,
            welsh_devolved: self.welsh_devolved,
            extension_agreed: self.extension_agreed,
            result: result_of(&self.cast, &self.yes, &self.no, &self.spoiled)?,
            result_to_employer: optional_date("result_to_employer", &self.result_to_employer)?,
            steps: Vec::new(),
        };
        // Validate the figures (and find the steps) with the result or an empty one.
        let figures = new.result.unwrap_or(BallotResult {
            cast: 0,
            yes: 0,
            no: 0,
            spoiled: 0,
        });
        // A count from member records is known once the ballot is stored; until then the
        // figures are checked against the votes cast, and the desk checks them with the count.
        let entitled = new
            .entitled
            .as_ref()
            .map_or(figures.cast.max(1), |h| h.value);
        let assessment = picket_domain::law::assess_ballot(
            &law_input(nation, &new, entitled, figures),
            &LawOverrides::default(),
        )
        .map_err(law_error)?;
        if let Some(told) = new.result_to_employer {
            if told < new.closed {
                return Err(law_error(LawError::ResultBeforeClose {
                    told,
                    closed: new.closed,
                }));
            }
        }
        if kind == BallotKind::Statutory {
            new.steps = assessment
                .steps
                .into_iter()
                .map(|s| NewStep {
                    name: s.name,
                    due: s.deadline,
                    provision: s.provision,
                })
                .collect();
        }
        Ok(new)
    }
}

/// A ballot's result as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ResultInput {
    /// Votes cast.
    pub cast: String,
    /// Yes votes.
    pub yes: String,
    /// No votes.
    pub no: String,
    /// Spoiled papers (empty: 0).
    pub spoiled: String,
    /// The day the employer was told, YYYY-MM-DD.
    pub result_to_employer: String,
}

/// A survey question as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionInput {
    /// The question.
    pub question: String,
    /// The answer reported, e.g. "No".
    pub answer: String,
    /// Its share, 0–100 (two decimal places at most).
    pub percent: String,
}

impl QuestionInput {
    /// The validated question, answer and hundredths of a percent.
    pub fn parse(&self) -> AppResult<(String, String, i64)> {
        let p = hundredths("percent", &self.percent)?;
        if p > 10_000 {
            return Err(AppError::invalid("percent", "percent: at most 100"));
        }
        Ok((
            required("question", &self.question, 300)?,
            required("answer", &self.answer, 100)?,
            p,
        ))
    }
}

impl ResultInput {
    /// The validated result for `ballot` (checked by the law engine) and the day the employer
    /// was told.
    pub fn parse(
        &self,
        nation: Nation,
        ballot: &picket_store::disputes::Ballot,
    ) -> AppResult<(BallotResult, Option<NaiveDate>)> {
        let result = result_of(&self.cast, &self.yes, &self.no, &self.spoiled)?
            .ok_or_else(|| AppError::invalid("cast", "cast: enter the votes cast"))?;
        let told = optional_date("result_to_employer", &self.result_to_employer)?;
        let new = NewBallot {
            kind: ballot.kind,
            title: ballot.title.clone(),
            opened: ballot.opened,
            closed: ballot.closed,
            entitled: ballot.entitled_basis.hand(ballot.entitled),
            ips: ballot.ips,
            welsh_devolved: ballot.welsh_devolved,
            extension_agreed: ballot.extension_agreed,
            result: Some(result),
            result_to_employer: told,
            steps: Vec::new(),
        };
        picket_domain::law::assess_ballot(
            &law_input(nation, &new, ballot.entitled, result),
            &LawOverrides::default(),
        )
        .map_err(law_error)?;
        if let Some(told) = told {
            if told < ballot.closed {
                return Err(law_error(LawError::ResultBeforeClose {
                    told,
                    closed: ballot.closed,
                }));
            }
        }
        Ok((result, told))
    }
}
