//! Draws the login QR code: Unicode half blocks for the terminal, or a PNG file.

use std::path::Path;

use qrcode::QrCode;

use crate::error::{CliError, CliResult};

/// The QR code of `text` as terminal lines (the bot layer's renderer: two modules per
/// character cell). `invert` suits dark terminals (light modules drawn as blocks); without
/// it, light terminals.
pub fn to_terminal(text: &str, invert: bool) -> CliResult<String> {
    wx_driver::bot::terminal_qr(text, !invert)
        .ok_or_else(|| CliError::runtime("cannot draw the QR code: the text is too long"))
}

/// Writes the QR code of `text` as a greyscale PNG (8 pixels a module, 4-module margin).
pub fn to_png(text: &str, path: &Path) -> CliResult {
    let code = QrCode::new(text.as_bytes())
        .map_err(|e| CliError::runtime(format!("cannot draw the QR code: {e}")))?;
    let (width, scale, margin) = (code.width(), 8usize, 4usize);
    let colors = code.to_colors();
    let side = (width + 2 * margin) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i % width + margin, i / width + margin);
        for y in my * scale..(my + 1) * scale {
            let row = y * side;
            pixels[row + mx * scale..row + (mx + 1) * scale].fill(0);
        }
    }
    let fail = |e: &dyn std::fmt::Display| {
        CliError::runtime(format!("cannot write {}: {e}", path.display()))
    };
    let file = std::fs::File::create(path).map_err(|e| fail(&e))?;
    let side32 = u32::try_from(side).map_err(|e| fail(&e))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), side32, side32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(|e| fail(&e))?;
    w.write_image_data(&pixels).map_err(|e| fail(&e))?;
    w.finish().map_err(|e| fail(&e))
}
