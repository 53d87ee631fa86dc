//! The `image` renderer: images from checked sources (http(s) or raster data URIs), each
//! with its alt text, inside the configured box; refused items say why in their place.

use leptos::prelude::*;
use wizard_core::domain::render::image::{ImageItem, ImageView};

pub(super) fn images(v: ImageView) -> impl IntoView {
    let style = [
        v.max_width.map(|w| format!("max-width:{w}px")),
        v.max_height.map(|h| format!("max-height:{h}px")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(";");
    let items = v
        .images
        .into_iter()
        .map(|item| match item {
            ImageItem::Shown { src, alt } => {
                view! { <figure class="image-item"><img src=src alt=alt loading="lazy" style=style.clone() /></figure> }.into_any()
            }
            ImageItem::Refused { message } => {
                view! { <p class="render-error" role="note">{format!("Image not shown: {message}")}</p> }.into_any()
            }
        })
        .collect_view();
    view! { <div class="image-render">{items}</div> }
}
