//! Request extractors whose rejections are problem documents, so malformed input gets a
//! clear 4xx naming the field instead of axum's plain-text defaults.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use wizard_core::error::AppError;
use wizard_core::problem::FieldError;

/// JSON body extractor. Syntax errors are 400 (with line and column); missing fields and
/// wrong types are 422 with the JSON path of the offending field.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let ct = ct.split(';').next().unwrap_or("").trim();
                ct == "application/json" || ct.ends_with("+json")
            });
        if !is_json {
            return Err(AppError::UnsupportedMediaType(
                "expected a JSON body with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge("the body is larger than this endpoint accepts".into())
            } else {
                AppError::BadRequest(e.body_text())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Query-string extractor whose rejection is a 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                let field = missing_field(&message).map_or(path, str::to_owned);
                AppError::Validation(vec![FieldError::new(field, message)])
            })
    }
}

/// Parses JSON, turning serde's error into a field-level problem.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = strip_position(&inner.to_string());
                let field = missing_field(&message)
                    .map(|f| join_path(&path, f))
                    .unwrap_or_else(|| if path == "." { String::new() } else { path });
                AppError::Validation(vec![FieldError::new(field, message)])
            }
            _ => AppError::BadRequest(format!("the body is not valid JSON: {inner}")),
        }
    })
}

/// serde reports a missing field at the parent's path; the user wants the field's.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

fn join_path(parent: &str, field: &str) -> String {
    if parent == "." || parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The client's address, for rate limiting. Served without connect info (in-process
/// tests), every client shares one bucket, which errs on the safe side.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ci| ci.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    fn field_of(body: &str) -> (u16, String) {
        match parse_json::<Outer>(body.as_bytes()) {
            Err(e) => {
                let p = e.to_problem();
                (
                    p.status,
                    p.errors
                        .first()
                        .map(|f| f.field.clone())
                        .unwrap_or_default(),
                )
            }
            Ok(_) => (200, String::new()),
        }
    }

    #[test]
    fn names_the_field() {
        assert_eq!(field_of(r#"{"inner":{"n":1}}"#), (422, "name".into()));
        assert_eq!(
            field_of(r#"{"name":"x","inner":{}}"#),
            (422, "inner.n".into())
        );
        assert_eq!(
            field_of(r#"{"name":"x","inner":{"n":"one"}}"#),
            (422, "inner.n".into())
        );
        assert_eq!(field_of(r#"{"name":"x","#), (400, String::new()));
        assert_eq!(
            field_of(r#"{"name":"x","inner":{"n":1}}"#),
            (200, String::new())
        );
    }
}
