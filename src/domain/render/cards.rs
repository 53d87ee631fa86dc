//! `card_grid`: one card per row (title, subtitle, image, body, link) in a responsive grid.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, image, rows_of, safe_link, text_at};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardGridConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<DataPath>,
    pub title: DataPath,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<DataPath>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Only `http(s)` and `data:image/…` sources survive (see [`image::checked_source`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

pub fn shape(data: &Value, c: &CardGridConfig) -> Result<Shaped<Vec<Card>>, ShapeError> {
    let (rows, notice) = rows_of("card_grid", data, c.rows.as_ref(), "an array of objects")?;
    let cards = rows
        .iter()
        .map(|row| Card {
            title: text_at(row, Some(&c.title), 200).unwrap_or_default(),
            subtitle: text_at(row, c.subtitle.as_ref(), 200),
            image: c
                .image
                .as_ref()
                .and_then(|p| p.get(row)?.as_str())
                .and_then(|s| image::checked_source(s).ok()),
            body: text_at(row, c.body.as_ref(), 2_000),
            link: c
                .link
                .as_ref()
                .and_then(|p| p.get(row)?.as_str())
                .and_then(safe_link),
        })
        .collect();
    Ok(Shaped {
        view: cards,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cards_keep_safe_images_and_links_only() {
        let c: CardGridConfig = serde_json::from_value(json!({
            "title": "name", "subtitle": "role", "image": "img", "body": "bio", "link": "url"
        }))
        .expect("config");
        let data = json!([
            {"name": "Ada", "role": "Engineer", "img": "https://x.org/a.png", "bio": "Wrote notes", "url": "https://x.org"},
            {"name": "Eve", "img": "javascript:alert(1)", "url": "javascript:alert(1)"}
        ]);
        let cards = shape(&data, &c).expect("cards").view;
        assert_eq!(cards[0].image.as_deref(), Some("https://x.org/a.png"));
        assert_eq!(cards[0].link.as_deref(), Some("https://x.org"));
        assert_eq!(cards[1].image, None);
        assert_eq!(cards[1].link, None);
        assert_eq!(cards[1].subtitle, None);
    }

    #[test]
    fn wrong_shapes_are_named() {
        let c: CardGridConfig = serde_json::from_value(json!({"title": "t"})).expect("config");
        assert_eq!(
            shape(&json!("x"), &c).expect_err("string").0,
            "card_grid expects an array of objects; got a string"
        );
    }
}
