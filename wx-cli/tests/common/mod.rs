//! Helpers shared by the binary tests: run `wx`, decode a drawn QR code.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs the `wx` binary with `args` (and no colours).
pub fn wx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wx"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run wx")
}

/// Decodes a QR code drawn with half blocks for a dark terminal (inverted colours: a full
/// block is two light modules) and returns its text.
pub fn decode_qr_art(lines: &[&str]) -> Option<String> {
    let scale = 4usize;
    let width = lines.iter().map(|l| l.chars().count()).max()?;
    let height = lines.len() * 2;
    let mut light = vec![true; width * height];
    for (row, line) in lines.iter().enumerate() {
        for (col, ch) in line.chars().enumerate() {
            let (top_light, bottom_light) = match ch {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            light[2 * row * width + col] = top_light;
            light[(2 * row + 1) * width + col] = bottom_light;
        }
    }
    let img = rqrr::PreparedImage::prepare_from_greyscale(width * scale, height * scale, |x, y| {
        if light[(y / scale) * width + x / scale] {
            255
        } else {
            0
        }
    });
    let mut img = img;
    let grids = img.detect_grids();
    let (_, text) = grids.first()?.decode().ok()?;
    Some(text)
}
