//! Who is signed in, as the UI sees it, and the server functions behind the admin page.
//!
//! The session is resolved *before* rendering (by the server's session middleware, which
//! stores a [`SessionUser`] in the request) and read synchronously here, then shipped to
//! the browser with the page through `SharedValue`. No async boundary is involved, which
//! keeps every page's header out of Leptos' streaming machinery: several `Transition`s
//! awaiting one resource have been seen to stall an SSR stream on small machines.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wizard_core::domain::user::{Role, UserView};

/// The signed-in user of this page load, or `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser(pub Option<UserView>);

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.0.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    /// Builders and admins (who build wizards and use the library).
    pub fn is_builder(&self) -> bool {
        self.0.as_ref().is_some_and(|u| u.role >= Role::Builder)
    }
}

pub fn provide_session() {
    let user = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<SessionUser>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            SessionUser::default()
        }
    })
    .into_inner();
    provide_context(user);
}

pub fn use_session() -> SessionUser {
    use_context::<SessionUser>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use leptos::prelude::*;
    use wizard_core::backend::auth::CurrentUser;
    use wizard_core::backend::error::AppError;
    use wizard_core::backend::session;
    use wizard_core::backend::state::AppState;

    use crate::fns::UiError;

    pub fn state() -> Result<AppState, UiError> {
        use_context::<AppState>()
            .ok_or_else(|| ui_error(AppError::Internal("application state is missing".into())))
    }

    /// Maps a service error to what the UI receives: its problem document (field errors
    /// included), which never carries internals.
    pub fn ui_error(e: AppError) -> UiError {
        UiError(e.to_problem())
    }

    /// The user behind this server-function call; anonymous is an error.
    pub async fn require_user() -> Result<CurrentUser, UiError> {
        let state = state()?;
        let headers: axum::http::HeaderMap = leptos_axum::extract().await?;
        session::optional_user(&state, &headers)
            .await
            .and_then(|u| u.ok_or_else(|| AppError::Unauthenticated("sign in to continue".into())))
            .map_err(ui_error)
    }
}
