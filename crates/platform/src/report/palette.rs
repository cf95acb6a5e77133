//! The dashboard's colours (ui/css/app.css `:root`), so a report looks like the screen it
//! comes from: the dark background, its text tones, and ok/warn/bad/info for conditions.

use faultline_protocol::vocabulary::Condition;
use plotters::style::RGBColor;

pub const BACKGROUND: RGBColor = RGBColor(0x0d, 0x11, 0x17); // --bg
pub const BORDER: RGBColor = RGBColor(0x2a, 0x34, 0x41); // --border
pub const TEXT: RGBColor = RGBColor(0xe6, 0xed, 0xf3); // --text
pub const MUTED: RGBColor = RGBColor(0x8d, 0x99, 0xa8); // --muted
pub const OK: RGBColor = RGBColor(0x3f, 0xb9, 0x50); // --ok
pub const WARN: RGBColor = RGBColor(0xe3, 0xb3, 0x41); // --warn
pub const BAD: RGBColor = RGBColor(0xf8, 0x51, 0x49); // --bad
pub const INFO: RGBColor = RGBColor(0x58, 0xa6, 0xff); // --info, --accent

/// A fault's band: --warn at the opacity of the dashboard's tinted backgrounds (--warn-bg).
pub const BAND: RGBColor = WARN;
pub const BAND_OPACITY: f64 = 0.16;
/// The band's colour as the SVG writes it (`fill="#E3B341"`), for checks.
pub const BAND_HEX: &str = "#E3B341";

/// Detection in --bad and recovery in --ok, as the dashboard's chart markers.
pub const DETECTED: RGBColor = BAD;
pub const RECOVERED: RGBColor = OK;
/// The platform's own healing: the violet the dashboard's OODA strip uses (ui/css/app.css).
pub const HEALED: RGBColor = RGBColor(0xa3, 0x71, 0xf7);

/// The metric lines, one colour each in turn.
pub const LINES: [RGBColor; 3] = [INFO, WARN, OK];

/// A condition's tone, as ui/js/vocabulary.js's CONDITION_TONE colours it.
pub fn condition(condition: Condition) -> RGBColor {
    match condition {
        Condition::Stable => OK,
        Condition::Converging => INFO,
        Condition::Diverging | Condition::Erratic => WARN,
        Condition::Degraded | Condition::Defective | Condition::Down => BAD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_hex_is_the_band_colour() {
        let RGBColor(r, g, b) = BAND;
        assert_eq!(format!("#{r:02X}{g:02X}{b:02X}"), BAND_HEX);
    }
}
