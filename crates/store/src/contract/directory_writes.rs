//! Each directory write (branches, users, roles) in a unit of its own, committed when it
//! succeeds: for setting up the branches and people of tests, in this crate and others, whose
//! subject is something else. Code that serves people writes them in the unit of the change
//! that causes them, with its audit entry.

use crate::{Branch, Store, StoreResult, User};
use async_trait::async_trait;
use picket_domain::{BranchId, Division, Email, Role, Slug, UserId};

/// A test's setup writes, on any store.
#[async_trait]
pub trait Setup {
    /// Creates a branch.
    async fn setup_branch(
        &self,
        slug: &Slug,
        name: &str,
        division: Division,
    ) -> StoreResult<Branch>;
    /// Creates a login.
    async fn setup_user(
        &self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
    ) -> StoreResult<User>;
    /// Adds someone to a branch with a role (creating the account if the email is new);
    /// returns the user and whether the account was created.
    async fn setup_branch_user(
        &self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<(User, bool)>;
    /// Gives a user a role in a branch.
    async fn setup_membership(&self, user: UserId, branch: BranchId, role: Role)
        -> StoreResult<()>;
}

#[async_trait]
impl<S: Store + ?Sized> Setup for S {
    async fn setup_branch(
        &self,
        slug: &Slug,
        name: &str,
        division: Division,
    ) -> StoreResult<Branch> {
        let mut work = self.begin().await?;
        let branch = work.create_branch(slug, name, division).await?;
        work.commit().await?;
        Ok(branch)
    }

    async fn setup_user(
        &self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
    ) -> StoreResult<User> {
        let mut work = self.begin().await?;
        let user = work.create_user(email, display_name, password_hash).await?;
        work.commit().await?;
        Ok(user)
    }

    async fn setup_branch_user(
        &self,
        email: &Email,
        display_name: &str,
        password_hash: Option<&str>,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<(User, bool)> {
        let mut work = self.begin().await?;
        let added = work
            .add_branch_user(email, display_name, password_hash, branch, role)
            .await?;
        work.commit().await?;
        Ok(added)
    }

    async fn setup_membership(
        &self,
        user: UserId,
        branch: BranchId,
        role: Role,
    ) -> StoreResult<()> {
        let mut work = self.begin().await?;
        work.set_membership(user, branch, role).await?;
        work.commit().await
    }
}
