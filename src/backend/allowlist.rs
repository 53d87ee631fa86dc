//! The admin's outbound allow-list: hosts and networks that outbound calls may reach even
//! though they are loopback, private or link-local (ARCHITECTURE.md, "Outbound calls"). Typical entries are an
//! internal API's host name or a lab network's CIDR block.
//!
//! Changes invalidate the guard's cache at once on this instance; other instances (they
//! share the database) pick them up within the guard's short cache lifetime.

use uuid::Uuid;

use crate::backend::auth::CurrentUser;
use crate::backend::db::allowlist::{self as repo, AllowRow};
use crate::backend::error::{AppError, AppResult};
use crate::backend::outbound::AllowPattern;
use crate::backend::state::AppState;
use crate::domain::user::Role;

pub use crate::domain::allowlist::{AllowEntry, NewAllowEntry};

fn view(r: &AllowRow) -> AllowEntry {
    AllowEntry {
        id: r.id.clone(),
        pattern: r.pattern.clone(),
        note: r.note.clone(),
        created_at: r.created_at.clone(),
    }
}

pub async fn list(app: &AppState, actor: &CurrentUser) -> AppResult<Vec<AllowEntry>> {
    actor.require(Role::Admin)?;
    Ok(repo::list(&app.db).await?.iter().map(view).collect())
}

pub async fn add(
    app: &AppState,
    actor: &CurrentUser,
    req: &NewAllowEntry,
) -> AppResult<AllowEntry> {
    actor.require(Role::Admin)?;
    let pattern = AllowPattern::parse(&req.pattern).map_err(|m| AppError::field("pattern", m))?;
    let note = req.note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::field("note", "must be at most 500 characters"));
    }
    let row = repo::insert(&app.db, &pattern.to_text(), note, Some(&actor.user.id)).await?;
    app.outbound.invalidate_allowlist();
    tracing::info!(pattern = %row.pattern, user_id = %actor.user.id, "outbound allow-list entry added");
    Ok(view(&row))
}

pub async fn remove(app: &AppState, actor: &CurrentUser, id: Uuid) -> AppResult<()> {
    actor.require(Role::Admin)?;
    if !repo::delete(&app.db, id).await? {
        return Err(AppError::NotFound(format!(
            "no allow-list entry with id {id}"
        )));
    }
    app.outbound.invalidate_allowlist();
    tracing::info!(entry_id = %id, user_id = %actor.user.id, "outbound allow-list entry removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_normalise_and_match() {
        let net = AllowPattern::parse("10.1.2.3/8").expect("cidr");
        assert_eq!(net.to_text(), "10.0.0.0/8");
        assert!(net.matches_ip("10.200.0.1".parse().expect("ip")));
        assert!(!net.matches_ip("11.0.0.1".parse().expect("ip")));
        let one = AllowPattern::parse("127.0.0.1").expect("ip");
        assert_eq!(one.to_text(), "127.0.0.1");
        assert!(one.matches_ip("127.0.0.1".parse().expect("ip")));
        assert!(!one.matches_ip("127.0.0.2".parse().expect("ip")));
        let v6 = AllowPattern::parse("[FD00::1]").expect("v6");
        assert_eq!(v6.to_text(), "fd00::1");
        let host = AllowPattern::parse("Api.Internal.").expect("host");
        assert!(host.matches_host("api.internal"));
        assert!(AllowPattern::parse("10.0.0.0/33").is_err());
        assert!(AllowPattern::parse("bad host!").is_err());
        assert!(AllowPattern::parse("").is_err());
        assert!(
            AllowPattern::parse("0.0.0.0/0")
                .is_ok_and(|p| p.matches_ip("8.8.8.8".parse().expect("ip")))
        );
    }
}
