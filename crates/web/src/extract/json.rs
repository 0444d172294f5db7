//! JSON request bodies: [`ApiJson`] reads one, and a value of the wrong type is a 422 naming
//! its field.

use crate::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

/// A JSON body. A body that is not JSON is a validation error naming `body`; a value of the
/// wrong type (a string where a number belongs) is one naming that field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(request, state).await {
            Ok(Json(v)) => v,
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                return Err(AppError::TooLarge)
            }
            Err(e) => {
                return Err(AppError::invalid(
                    "body",
                    format!("body: {}", e.body_text()),
                ))
            }
        };
        // serde would read a struct from an array of its fields in order; a body is an object.
        if !value.is_object() && !fields::<T>().is_empty() {
            return Err(AppError::invalid(
                "body",
                "body: send a JSON object of named fields",
            ));
        }
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let key = match e.path().iter().next() {
                    Some(serde_path_to_error::Segment::Map { key }) => key.as_str(),
                    _ => "",
                };
                let what = plain(&e.inner().to_string());
                match fields::<T>().iter().find(|f| **f == key) {
                    Some(field) => AppError::invalid(field, format!("{field}: {what}")),
                    None => AppError::invalid("body", format!("body: {what}")),
                }
            })
    }
}

/// serde's words for a wrong value, in people's: `invalid type: string "15", expected u32`
/// becomes `string "15" given, expected a whole number (0 or more)`.
fn plain(message: &str) -> String {
    let message = message.strip_prefix("invalid type: ").map_or_else(
        || message.to_string(),
        |rest| rest.replacen(", expected", " given, expected", 1),
    );
    [
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list"),
        ("expected a JSON number", "expected a number"),
    ]
    .iter()
    .fold(message, |m, (serde, people)| m.replace(serde, people))
}

/// The field names of a struct as its derived `Deserialize` knows them (none for a type that
/// is not a struct).
fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    // The probe refuses every value; it only looks at what the struct asks for.
    let _ = T::deserialize(Probe(&mut names));
    names
}

struct Probe<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("probed"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[expect(dead_code, reason = "only the names are read")]
    struct Body {
        called_out: u32,
        #[serde(rename = "when")]
        day: String,
    }

    #[test]
    fn serde_s_words_become_people_s() {
        assert_eq!(
            plain("invalid type: string \"15\", expected u32"),
            "string \"15\" given, expected a whole number (0 or more)"
        );
        assert_eq!(
            plain("invalid value: integer `-3`, expected u32"),
            "invalid value: integer `-3`, expected a whole number (0 or more)"
        );
    }

    #[test]
    fn a_struct_s_fields_are_known_by_their_json_names() {
        assert_eq!(fields::<Body>(), ["called_out", "when"]);
        assert!(fields::<u32>().is_empty());
    }
}
