//! Branches, users and their roles in branches.

use crate::*;
use async_trait::async_trait;

use picket_domain::{BranchId, Division, Email, Role, Slug, UserId};

/// Reading branches, users and their roles in branches.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// The branch with this slug.
    async fn branch_by_slug(&self, slug: &str) -> StoreResult<Branch>;
    /// Every branch, by name.
    async fn list_branches(&self) -> StoreResult<Vec<Branch>>;
    /// The user with this email (case-insensitive).
    async fn user_by_email(&self, email: &str) -> StoreResult<User>;
    /// The user with this id.
    async fn user_by_id(&self, id: UserId) -> StoreResult<User>;
    /// The branches a user belongs to, with their role in each.
    async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<Membership>>;
    /// A branch's users with their roles, one page at a time, by name.
    async fn branch_users(
        &self,
        branch: BranchId,
        page: PageRequest,
    ) -> StoreResult<Page<BranchUser>>;
}

/// Changing branches, users and their roles, within a [`UnitOfWork`](crate::UnitOfWork).
/// A new user's password is set here; changing it later is
/// [`AuthWrites::change_password`](crate::AuthWrites::change_password), which also ends
/// their sessions.
#[async_trait]
pub trait DirectoryWrites: Send {
    /// Creates a branch; a taken slug is [`StoreError::Conflict`].
    async fn create_branch(
        &mut self,
        slug: &Slug,
        name: &str,
        division: Division,
    ) -> StoreResult<Branch>;
    /// Creates a login; a taken email is [`StoreError::Conflict`].
    async fn create_user(
        &mut self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
    ) -> StoreResult<User>;
    /// Gives a user a role in a branch, replacing any role they had there; an unknown user
    /// or branch is [`StoreError::NotFound`].
    async fn set_membership(
        &mut self,
        user: UserId,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<()>;
    /// Adds a user to a branch: creates the account if the email is new (with
    /// `password_hash`) and gives it `role` in the branch. Returns the user and whether the
    /// account was created.
    async fn add_branch_user(
        &mut self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<(User, bool)>;
    /// [`add_branch_user`](Self::add_branch_user) on behalf of someone whose authority
    /// reaches `request.authority`, checked against both the new role and the role being
    /// replaced, in the statement that changes it: the role given must not be above the
    /// authority, and the role replaced must not be either; below `Admin`, the role of an
    /// instance admin (an admin in any branch) is never replaced. `None` when refused: nothing
    /// was written.
    async fn add_branch_user_within(
        &mut self,
        request: NewBranchUser<'_>,
    ) -> StoreResult<Option<(User, bool)>>;
}

/// Someone to add to a branch (or whose role there to change), on behalf of someone whose
/// authority reaches `authority`.
#[derive(Debug, Clone)]
pub struct NewBranchUser<'a> {
    /// Their email; a new address creates the account.
    pub email: &'a Email,
    /// Their name, for a new account.
    pub display_name: &'a str,
    /// The password hash for a new account.
    pub password_hash: Option<&'a str>,
    /// The branch.
    pub branch: BranchId,
    /// The role to give them there.
    pub role: Role,
    /// The highest role the person acting may give or replace (`Admin` for the command line).
    pub authority: Role,
}
