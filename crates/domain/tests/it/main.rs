//! picket-domain's integration tests, built as one binary: the calendar, the law engine and
//! striker-days against known dates, and their properties over generated input. Helpers the
//! modules share are in `support`.

mod calendar;
mod calendar_props;
mod impact_props;
mod law_ballot;
mod law_notice;
mod law_props;
mod support;
