//! What every report's SVG must show, checked by parsing it: its size, a fault band (a
//! rectangle in the band's colour, translucent) and each expected text as a text element of
//! its own. Shared by the unit tests and, through `#[path]`, the rehearsal test; it uses
//! nothing of the crate, so both can compile it.

/// Ok when `svg` is a `width` × `height` SVG with a rectangle filled `band_hex` at an
/// opacity below 1 and a text element reading exactly each of `texts`; else what is wrong.
pub fn svg_shows(
    svg: &str,
    (width, height): (u32, u32),
    band_hex: &str,
    texts: &[String],
) -> Result<(), String> {
    let document = roxmltree::Document::parse(svg).map_err(|e| format!("not XML: {e}"))?;
    let root = document.root_element();
    let size = (root.attribute("width"), root.attribute("height"));
    if root.tag_name().name() != "svg"
        || size != (Some(&*width.to_string()), Some(&*height.to_string()))
    {
        return Err(format!(
            "the root is <{}> of {size:?}, not a {width}×{height} <svg>",
            root.tag_name().name()
        ));
    }
    let band = root.descendants().any(|node| {
        node.has_tag_name("rect")
            && node
                .attribute("fill")
                .is_some_and(|fill| fill.eq_ignore_ascii_case(band_hex))
            && node
                .attribute("opacity")
                .and_then(|o| o.parse::<f64>().ok())
                .is_some_and(|o| o > 0.0 && o < 1.0)
    });
    if !band {
        return Err(format!(
            "no translucent rect filled {band_hex} (a fault band)"
        ));
    }
    let shown: Vec<String> = root
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| node.text().unwrap_or_default().trim().to_owned())
        .collect();
    let missing: Vec<&String> = texts.iter().filter(|t| !shown.contains(t)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("texts missing: {missing:?}; shown: {shown:?}"))
    }
}
