//! E-actions and petitions: campaigns on a dispute, their targets, supporters' signatures (with
//! consent to future contact recorded apart, with its wording) and what the delivery job
//! queued for each target.
//!
//! Signatures are written in batches ([`EactionWrites::sign_batch`]) so that the
//! [`SignatureWriter`](crate::signing::SignatureWriter) can put many supporters into one
//! commit. Every other record is read and changed through its branch and dispute, checked in
//! the statement: a record of another dispute or branch is
//! [`StoreError::NotFound`](crate::StoreError::NotFound).

use crate::{NewOutboxEmail, Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::eactions::{ActionKind, Delivery, NewEaction, NewTarget, Signer, TargetReply};
use picket_domain::{BranchId, DisputeId, EactionId, PartyId, SignatureId, TargetId};
use serde::Serialize;

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eaction {
    /// Its id.
    pub id: EactionId,
    /// Its branch.
    pub branch_id: BranchId,
    /// Its dispute.
    pub dispute_id: DisputeId,
    /// Email campaign or petition.
    pub kind: ActionKind,
    /// Title.
    pub title: String,
    /// Email subject (empty for a petition).
    pub subject: String,
    /// The letter, or the petition's statement.
    pub body: String,
    /// How signatures reach the targets.
    pub delivery: Delivery,
    /// Whether a signature counts only once its address is confirmed.
    pub confirm_email: bool,
    /// The most characters of their own words a supporter may add.
    pub own_words_max: u32,
    /// Whether it takes signatures.
    pub open: bool,
    /// The first day it was open, if it has been.
    pub opened_on: Option<NaiveDate>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A campaign's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Its id.
    pub id: TargetId,
    /// Its campaign.
    pub eaction_id: EactionId,
    /// The dispute's decision-maker it was taken from, if it was.
    pub party_id: Option<PartyId>,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Email address.
    pub email: Option<String>,
    /// Their reply, once one is recorded.
    pub reply: Option<TargetReply>,
}

/// A stored signature.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// Its id.
    pub id: SignatureId,
    /// Its campaign.
    pub eaction_id: EactionId,
    /// The supporter's name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Their postcode.
    pub postcode: String,
    /// Their own words.
    pub own_words: String,
    /// Whether it counts (its address is confirmed, or no confirmation was asked).
    pub confirmed: bool,
    /// When it was made.
    pub signed_at: DateTime<Utc>,
    /// The wording of the consent to future contact they gave, if they gave it.
    pub consent: Option<String>,
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A supporter's details stay out of logs and panics.
        f.debug_struct("Signature")
            .field("id", &self.id)
            .field("confirmed", &self.confirmed)
            .finish_non_exhaustive()
    }
}

/// A campaign's signatures, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignatureCounts {
    /// Signatures that count.
    pub confirmed: u64,
    /// Signatures waiting for their address to be confirmed.
    pub pending: u64,
}

/// A signature to write.
#[derive(Debug, Clone)]
pub struct NewSignature {
    /// The campaign's branch.
    pub branch: BranchId,
    /// The campaign's dispute.
    pub dispute: DisputeId,
    /// The campaign.
    pub eaction: EactionId,
    /// Who signs, checked.
    pub signer: Signer,
    /// The wording of the consent to future contact they agreed to, if they ticked it.
    pub consent: Option<String>,
    /// When the campaign asks for confirmation: the hash of the confirmation token and the
    /// email that carries the token, queued in the same commit. Ignored when it does not.
    pub confirmation: Option<Confirmation>,
}

/// The confirmation a signature waits for.
#[derive(Debug, Clone)]
pub struct Confirmation {
    /// The SHA-256 (hex) of the token in the link; the token itself is never stored.
    pub token_hash: String,
    /// The email with the link.
    pub email: NewOutboxEmail,
    /// When the supporter agreed to future contact: the SHA-256 (hex) of the token in the
    /// email's unsubscribe link, which withdraws that consent.
    pub unsubscribe_hash: Option<String>,
    /// A supporter whose signature still waits, and who signs again, is sent this email (with
    /// these new tokens) when the last one went at least this many seconds ago.
    pub again_after_secs: i64,
}

/// What became of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum SignOutcome {
    /// Stored and counted.
    Signed {
        /// Its id.
        id: SignatureId,
    },
    /// Stored; it counts once the supporter follows the link in their email.
    AwaitingConfirmation {
        /// Its id.
        id: SignatureId,
    },
    /// This email had signed already: nothing changed.
    AlreadySigned,
    /// This email had signed already and its signature still waits for confirmation: the
    /// confirmation email (with new links) was queued again. Still one signature.
    ConfirmationSentAgain,
    /// As [`SignOutcome::ConfirmationSentAgain`], but the last confirmation email went too
    /// recently to send another: nothing changed.
    ConfirmationSentRecently,
    /// The campaign is closed: nothing stored.
    Closed,
}

/// What following a confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfirmOutcome {
    /// The signature now counts.
    Confirmed(EactionId),
    /// It counted already.
    AlreadyConfirmed(EactionId),
    /// No signature has this token.
    Unknown,
}

/// What following an unsubscribe link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawOutcome {
    /// The consent is withdrawn from now.
    Withdrawn {
        /// The branch it was given to.
        branch: BranchId,
        /// The signature it was given with.
        signature: SignatureId,
    },
    /// It was withdrawn already.
    AlreadyWithdrawn,
    /// No consent has this token.
    Unknown,
}

/// A campaign's consents to future contact, counted (no one named).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConsentCounts {
    /// Supporters who agreed to future contact and have not withdrawn.
    pub given: u64,
    /// Supporters who agreed and later withdrew.
    pub withdrawn: u64,
}

/// A campaign the delivery job works through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryWork {
    /// The campaign.
    pub eaction: Eaction,
    /// Its targets with an address.
    pub targets: Vec<Target>,
}

/// A signature due to go to a target, as the delivery job claimed it.
#[derive(Clone, PartialEq, Eq)]
pub struct DueLetter {
    /// The signature.
    pub signature: SignatureId,
    /// The supporter, as stored (for the letter and its Reply-To).
    pub signer: Signer,
}

impl std::fmt::Debug for DueLetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DueLetter")
            .field("signature", &self.signature)
            .finish_non_exhaustive()
    }
}

/// Reading campaigns, targets and signatures.
#[async_trait]
pub trait EactionStore: Send + Sync {
    /// The dispute's campaigns, newest first.
    async fn eactions(&self, branch: BranchId, dispute: DisputeId) -> StoreResult<Vec<Eaction>>;
    /// One campaign.
    async fn eaction(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
    ) -> StoreResult<Eaction>;
    /// A campaign's targets in the order they were added.
    async fn targets(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<Vec<Target>>;
    /// A campaign's signatures, counted.
    async fn signature_counts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<SignatureCounts>;
    /// A campaign's signatures that count, oldest first (for a hand-in).
    async fn signatures(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        page: PageRequest,
    ) -> StoreResult<Page<Signature>>;
    /// Every campaign that emails its targets, with those targets, for the delivery job.
    async fn delivery_work(&self) -> StoreResult<Vec<DeliveryWork>>;
    /// A campaign's consents to future contact, counted.
    async fn consent_counts(
        &self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
    ) -> StoreResult<ConsentCounts>;
}

/// Changing campaigns and signing them, within a [`UnitOfWork`](crate::UnitOfWork).
#[async_trait]
pub trait EactionWrites: Send {
    /// Creates a campaign on a dispute.
    async fn create_eaction(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        new: &NewEaction,
    ) -> StoreResult<EactionId>;
    /// Replaces a campaign's values (opening it records the first day it was open).
    async fn update_eaction(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        new: &NewEaction,
    ) -> StoreResult<()>;
    /// Opens or closes a campaign.
    async fn set_eaction_open(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        id: EactionId,
        open: bool,
    ) -> StoreResult<()>;
    /// Adds a target typed for this campaign.
    async fn add_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: &NewTarget,
    ) -> StoreResult<TargetId>;
    /// Adds one of the dispute's decision-makers as a target, with the name, role and
    /// address the dispute records for them. A team, or a party of another dispute, is
    /// `NotFound`.
    async fn add_party_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        party: PartyId,
    ) -> StoreResult<TargetId>;
    /// Removes a target.
    async fn remove_target(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
    ) -> StoreResult<()>;
    /// Records (or replaces) a target's reply.
    async fn record_reply(
        &mut self,
        branch: BranchId,
        dispute: DisputeId,
        eaction: EactionId,
        target: TargetId,
        reply: &TargetReply,
    ) -> StoreResult<()>;
    /// Writes signatures, each with its consent record and confirmation email, and says what
    /// became of each, in order. A repeated email (already stored, or earlier in the batch)
    /// is [`SignOutcome::AlreadySigned`] (or, while it waits for confirmation,
    /// [`SignOutcome::ConfirmationSentAgain`] or [`SignOutcome::ConfirmationSentRecently`]); a closed campaign's is [`SignOutcome::Closed`]; a
    /// campaign of another branch or dispute is `Err(NotFound)` for that signature alone.
    async fn sign_batch(
        &mut self,
        batch: &[NewSignature],
    ) -> StoreResult<Vec<StoreResult<SignOutcome>>>;
    /// Confirms the signature whose token hashes to `token_hash`.
    async fn confirm_signature(&mut self, token_hash: &str) -> StoreResult<ConfirmOutcome>;
    /// Withdraws, from `now`, the consent to future contact whose unsubscribe token hashes to
    /// `token_hash`.
    async fn withdraw_consent(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<WithdrawOutcome>;
    /// Claims, for one target of a campaign that sends each signature, the signatures that
    /// may go to it now: at most `per_hour` in the hour before `now`, counting those already
    /// queued. Each claimed pair is recorded, so it is never claimed again.
    async fn claim_letters(
        &mut self,
        branch: BranchId,
        target: TargetId,
        per_hour: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DueLetter>>;
    /// Claims `day`'s digest for a target: the signatures after the last digest's, or
    /// nothing when today's digest was claimed already or there is nothing new.
    async fn claim_digest(
        &mut self,
        branch: BranchId,
        target: TargetId,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<DueLetter>>;
}
