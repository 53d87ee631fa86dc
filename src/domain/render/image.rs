//! `image`: one or several images from `http(s)` URLs or `data:image/…` URIs, with alt
//! text and a size box. Anything else is refused with a message in its place.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, describe, safe_link, text_at, truncate};

/// Largest `data:` URI accepted, in bytes (about 1.5 MB of image).
pub const MAX_DATA_URI: usize = 2 * 1024 * 1024;
/// Most images one slot shows.
pub const MAX_IMAGES: usize = 100;
/// Bounds of the configured box, in CSS pixels.
pub const MAX_SIDE: u32 = 4_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    /// Where the URL is in each item (default: the item is the URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_height: Option<u32>,
}

impl ImageConfig {
    pub(super) fn problems(&self) -> Vec<(String, String)> {
        [
            ("max_width", self.max_width),
            ("max_height", self.max_height),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some_and(|v| v == 0 || v > MAX_SIDE))
        .map(|(k, _)| (k.to_owned(), format!("must be between 1 and {MAX_SIDE}")))
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageView {
    pub images: Vec<ImageItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_height: Option<u32>,
}

/// An image to show, or why this item is not one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageItem {
    Shown { src: String, alt: String },
    Refused { message: String },
}

/// `Ok(src)` for an absolute `http(s)` URL or a `data:image/<type>;base64,` URI of a raster
/// type within [`MAX_DATA_URI`]; SVG data URIs are refused (an `<img>` would not run their
/// scripts, but a user opening one in a tab would).
pub fn checked_source(s: &str) -> Result<String, String> {
    let t = s.trim();
    let lower = t.get(..16).unwrap_or(t).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return safe_link(t).ok_or_else(|| "not a valid image address".into());
    }
    if lower.starts_with("data:") {
        if t.len() > MAX_DATA_URI {
            return Err(format!(
                "the embedded image is larger than {} MB",
                MAX_DATA_URI / (1024 * 1024)
            ));
        }
        let raster = ["png", "jpeg", "jpg", "gif", "webp", "avif", "bmp"];
        let ok = t
            .get(5..)
            .and_then(|rest| rest.split_once(','))
            .and_then(|(meta, _)| meta.strip_suffix(";base64"))
            .and_then(|mime| {
                mime.to_ascii_lowercase()
                    .strip_prefix("image/")
                    .map(str::to_owned)
            })
            .is_some_and(|kind| raster.contains(&kind.as_str()));
        return if ok {
            Ok(t.to_owned())
        } else {
            Err(
                "only base64 data:image/… URIs of PNG, JPEG, GIF, WebP, AVIF or BMP are shown"
                    .into(),
            )
        };
    }
    Err("only http(s) addresses and data:image/… URIs are shown".into())
}

pub fn shape(data: &Value, c: &ImageConfig) -> Result<Shaped<ImageView>, ShapeError> {
    let items: Vec<&Value> = match data {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) | Value::Object(_) => vec![data],
        other => {
            return Err(ShapeError(format!(
                "image expects a URL, an object or an array of them; got {}",
                describe(other)
            )));
        }
    };
    let (items, notice) = truncate(items, MAX_IMAGES, "images");
    let images = items
        .into_iter()
        .map(|item| {
            let src = match &c.url {
                Some(p) => p.get(item),
                None => Some(item),
            };
            let alt = text_at(item, c.alt.as_ref(), 300).unwrap_or_default();
            match src.and_then(Value::as_str) {
                None => ImageItem::Refused {
                    message: "this item has no image address".into(),
                },
                Some(s) => match checked_source(s) {
                    Ok(src) => ImageItem::Shown { src, alt },
                    Err(message) => ImageItem::Refused { message },
                },
            }
        })
        .collect();
    Ok(Shaped {
        view: ImageView {
            images,
            max_width: c.max_width,
            max_height: c.max_height,
        },
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_web_and_raster_data_sources_are_shown() {
        assert!(checked_source("https://x.org/cat.png").is_ok());
        assert!(checked_source("data:image/png;base64,iVBORw0KGgo=").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "data:image/png,rawbytes",
            "file:///etc/passwd",
            "/relative.png",
            "https://",
        ] {
            assert!(checked_source(bad).is_err(), "{bad}");
        }
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_URI));
        assert!(
            checked_source(&huge)
                .unwrap_err()
                .contains("larger than 2 MB")
        );
    }

    #[test]
    fn items_are_shown_or_refused_one_by_one() {
        let c: ImageConfig =
            serde_json::from_value(json!({"url": "src", "alt": "caption", "max_width": 300}))
                .expect("config");
        let data = json!([{"src": "https://x.org/a.png", "caption": "A cat"}, {"src": "javascript:x"}, {"nothing": 1}]);
        let v = shape(&data, &c).expect("images").view;
        assert_eq!(
            v.images[0],
            ImageItem::Shown {
                src: "https://x.org/a.png".into(),
                alt: "A cat".into()
            }
        );
        assert!(
            matches!(&v.images[1], ImageItem::Refused { message } if message.contains("http(s)"))
        );
        assert!(
            matches!(&v.images[2], ImageItem::Refused { message } if message.contains("no image address"))
        );
        assert_eq!(v.max_width, Some(300));
        let one = shape(&json!("https://x.org/b.jpg"), &ImageConfig::default())
            .expect("one")
            .view;
        assert_eq!(one.images.len(), 1);
    }

    #[test]
    fn wrong_shapes_are_named() {
        let e = shape(&json!(5), &ImageConfig::default()).expect_err("number");
        assert_eq!(
            e.0,
            "image expects a URL, an object or an array of them; got a number"
        );
    }
}
