//! The one typeface every report is drawn with, compiled in: DejaVu Sans (regular and bold,
//! from Debian's fonts-dejavu-core; its licence is `font/LICENSE`), handed to plotters'
//! ab_glyph text renderer, so no system font is looked up or needed.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

/// The family name the text is drawn in, and what the SVG names (`font-family`): DejaVu
/// Sans where the viewer has it, any sans-serif otherwise.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

const REGULAR: &[u8] = include_bytes!("font/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("font/DejaVuSans-Bold.ttf");

/// Registers the typeface with plotters (once per process). Errors: the bundled file is
/// not a font, which a unit test rules out.
pub fn ensure() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (style, bytes) in [(FontStyle::Normal, REGULAR), (FontStyle::Bold, BOLD)] {
                register_font(FAMILY, style, bytes).map_err(|_| {
                    format!("the bundled {FAMILY} ({}) is not a font", style.as_str())
                })?;
            }
            Ok(())
        })
        .clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_faces_register() {
        assert_eq!(super::ensure(), Ok(()));
    }
}
