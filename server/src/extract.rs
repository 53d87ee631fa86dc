//! Request extractors whose rejections are problem documents, so malformed input gets a
//! clear 4xx naming the field instead of axum's plain-text defaults.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;
use uuid::Uuid;
use wizard_core::backend::error::AppError;
use wizard_core::domain::problem::FieldError;

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
                field_problem(&path, &err.into_inner().to_string())
            })
    }
}

/// Path extractor whose rejection is a 422 naming the parameter (`{"field":"run_id"}`),
/// where axum's `Path` answers a plain-text 400 and a mistyped id used to be a 404
/// (issue 10 §4). One parameter deserializes as a string, several as a tuple of strings.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let params: Vec<(&str, &str)> = raw.iter().collect();
        let value = match params.as_slice() {
            [(_, one)] => Value::String((*one).to_owned()),
            many => many
                .iter()
                .map(|(_, v)| Value::String((*v).to_owned()))
                .collect(),
        };
        serde_path_to_error::deserialize(value)
            .map(ApiPath)
            .map_err(|err| {
                let index = match err.path().iter().next() {
                    Some(Segment::Seq { index }) => *index,
                    _ => 0,
                };
                let name = params.get(index).map_or("", |(name, _)| name);
                AppError::field(name, err.into_inner().to_string())
            })
    }
}

/// A path id: only a UUID parses, and a malformed one is a 422 naming the parameter (every
/// service takes the [`Uuid`] itself: [`PathId::uuid`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathId(Uuid);

impl PathId {
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for PathId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> serde::Deserialize<'de> for PathId {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = String::deserialize(de)?;
        Uuid::parse_str(&text)
            .map(PathId)
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not an id (a UUID)")))
    }
}

/// Parses JSON, turning serde's error into a field-level problem.
///
/// serde_json reports some type errors as syntax errors (a number where an enum's string
/// belongs is "expected value"); when the body is well-formed JSON, it is deserialized again
/// from a `Value`, which reports every mismatch as a data error at its path: a 422 naming
/// the field, never a 400 (issue 10 §4).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(&mut de) {
        // Anything after the value (`{…} x`) makes the body not JSON.
        Ok(value) => de.end().map(|()| value).map_err(|e| not_json(&e)),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => Err(field_problem(&path, &inner.to_string())),
                serde_json::error::Category::Syntax => {
                    match serde_json::from_slice::<Value>(bytes) {
                        Ok(value) => parse_value(value),
                        Err(_) => Err(not_json(&inner)),
                    }
                }
                _ => Err(not_json(&inner)),
            }
        }
    }
}

fn not_json(err: &serde_json::Error) -> AppError {
    AppError::BadRequest(format!("the body is not valid JSON: {err}"))
}

/// A 422 for the field at `path` (serde_path_to_error's dotted path; `.` is the body).
fn field_problem(path: &str, message: &str) -> AppError {
    let message = strip_position(message);
    let field = missing_field(&message)
        .map(|f| join_path(path, f))
        .unwrap_or_else(|| {
            if path == "." {
                String::new()
            } else {
                path.to_owned()
            }
        });
    AppError::Validation(vec![FieldError::new(field, message)])
}

/// A JSON object body `{"version": n, …rest}` whose rest is exactly a `T` (`T` refuses
/// unknown keys, which serde's `flatten` would not): the version is checked like every other
/// (`domain::concurrency`), and both parts' errors name their field.
pub struct Versioned<T> {
    pub version: i64,
    pub body: T,
}

impl<T, S> FromRequest<S> for Versioned<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        #[derive(Deserialize)]
        struct Version {
            #[serde(deserialize_with = "wizard_core::domain::concurrency::version")]
            version: i64,
        }
        let ApiJson(mut body) =
            ApiJson::<serde_json::Map<String, Value>>::from_request(req, state).await?;
        let head = body.remove_entry("version").into_iter().collect();
        let Version { version } = parse_value(Value::Object(head))?;
        let body = parse_value(Value::Object(body))?;
        Ok(Versioned { version, body })
    }
}

/// [`parse_json`] for a body already read as a `Value`.
pub fn parse_value<T: DeserializeOwned>(value: Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        field_problem(&path, &err.into_inner().to_string())
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

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        #[serde(rename = "a.b")]
        Ab,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WithEnum {
        kind: Kind,
    }

    #[test]
    fn an_ill_typed_enum_is_a_422_naming_it() {
        for body in [
            r#"{"kind":12345}"#,
            r#"{"kind":null}"#,
            r#"{"kind":[1]}"#,
            r#"{"kind":"c"}"#,
        ] {
            let err = parse_json::<WithEnum>(body.as_bytes())
                .expect_err(body)
                .to_problem();
            assert_eq!(
                (err.status, err.errors[0].field.as_str()),
                (422, "kind"),
                "{body}"
            );
        }
        assert!(parse_json::<WithEnum>(br#"{"kind":"a.b"}"#).is_ok());
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
            field_of(r#"{"name":"x","inner":{"n":1}} x"#),
            (400, String::new())
        );
        assert_eq!(
            field_of(r#"{"name":"x","inner":{"n":1}}"#),
            (200, String::new())
        );
    }
}
