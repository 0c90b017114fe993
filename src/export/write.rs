//! Writing a page: PNG in horizontal strips (the GPU's sky, then the SVG overlay
//! rasterised over it, rows streamed to the encoder so memory stays bounded at any size),
//! or SVG and PDF with the sky embedded as an image under vector text and lines.

use std::io::{BufWriter, Write};
use std::path::Path;

use resvg::tiny_skia;
use resvg::usvg;

use crate::error::{Error, Result};
use crate::export::font::svg_options;
use crate::fsutil::write_atomically;
use crate::render::{GpuContext, Image, SceneRenderer};
use crate::reporting::trace_phase;
use crate::view::{Rgba, SubRect, View};

/// Output formats, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
    Pdf,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            Some("pdf") => Ok(Format::Pdf),
            _ => Err(Error::file(
                path,
                "the output must end in .png, .svg or .pdf (the format follows the extension)",
            )),
        }
    }
}

/// A page to write as PNG: its size, where the sky goes, what goes over it.
pub struct PngPage<'a> {
    pub size: (u32, u32),
    /// The plot's place on the page; `view`'s canvas is its size.
    pub plot: SubRect,
    pub view: &'a View,
    pub background: Rgba,
    /// Everything drawn over the sky (frame, grid, labels, legend), in page pixels.
    pub overlay: Option<&'a usvg::Tree>,
    /// Written as the PNG's physical pixel size (pHYs).
    pub dpi: Option<f64>,
}

/// How a PNG page is cut: GPU tiles no larger than `max_tile` pixels a side, and page
/// strips of at most `strip_pixels` pixels held in memory at once.
#[derive(Clone, Copy, Debug)]
pub struct Strips {
    pub max_tile: u32,
    pub strip_pixels: usize,
}

impl Default for Strips {
    fn default() -> Self {
        Strips {
            max_tile: 8192,
            strip_pixels: 16 << 20,
        }
    }
}

/// Parses an overlay document with the bundled font.
pub fn parse_svg(svg: &str) -> Result<usvg::Tree> {
    usvg::Tree::from_str(svg, &svg_options())
        .map_err(|e| Error::user(format!("internal figure SVG did not parse: {e}")))
}

fn png_error(path: &Path) -> impl Fn(png::EncodingError) -> Error + '_ {
    move |e| Error::file(path, format!("PNG encoding: {e}"))
}

/// Renders `page` strip by strip and streams it into a PNG at `out` (atomically).
pub fn write_png(
    ctx: &GpuContext,
    renderer: &SceneRenderer,
    page: &PngPage<'_>,
    text: &[(&str, String)],
    out: &Path,
    strips: Strips,
) -> Result<()> {
    let (w, h) = page.size;
    write_atomically(out, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| Error::file(out, e))?;
        let mut enc = png::Encoder::new(BufWriter::new(file), w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        if let Some(dpi) = page.dpi {
            let ppm = (dpi / 0.0254).round() as u32;
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: ppm,
                yppu: ppm,
                unit: png::Unit::Meter,
            }));
        }
        for (k, v) in text {
            enc.add_text_chunk(k.to_string(), latin1(v))
                .map_err(png_error(out))?;
        }
        let mut writer = enc.write_header().map_err(png_error(out))?;
        let mut stream = writer.stream_writer().map_err(png_error(out))?;
        let strip_h = ((strips.strip_pixels / w as usize).max(1) as u32).min(h);
        let mut y0 = 0;
        let written = std::time::Instant::now();
        while y0 < h {
            let sh = strip_h.min(h - y0);
            let t0 = std::time::Instant::now();
            let strip = render_strip(ctx, renderer, page, y0, sh, strips.max_tile)?;
            trace_phase("png: strip drawn", t0);
            let rgb: Vec<u8> = strip
                .rgba
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            stream
                .write_all(&rgb)
                .map_err(|e| Error::file(out, format!("writing: {e}")))?;
            y0 += sh;
        }
        stream.finish().map_err(png_error(out))?;
        trace_phase("png: written", written);
        writer.finish().map_err(png_error(out))
    })
}

/// tEXt chunks are Latin-1: characters outside it are written as '?'.
fn latin1(s: &str) -> String {
    s.chars()
        .map(|c| if (c as u32) < 256 { c } else { '?' })
        .collect()
}

/// Page rows `y0 .. y0 + rows`: background, the sky where the plot is, the overlay.
pub fn render_strip(
    ctx: &GpuContext,
    renderer: &SceneRenderer,
    page: &PngPage<'_>,
    y0: u32,
    rows: u32,
    max_tile: u32,
) -> Result<Image> {
    let w = page.size.0;
    let bg = page.background.to_rgba8();
    let mut img = Image {
        width: w,
        height: rows,
        rgba: [bg[0], bg[1], bg[2], 255].repeat(w as usize * rows as usize),
    };
    let plot = page.plot;
    let (sy0, sy1) = (y0.max(plot.y), (y0 + rows).min(plot.y + plot.height));
    if sy0 < sy1 {
        // The plot's rows of this strip: a band of the view, rendered in GPU tiles.
        let band = SubRect {
            x: 0,
            y: sy0 - plot.y,
            width: plot.width,
            height: sy1 - sy0,
        };
        let t0 = std::time::Instant::now();
        let sky = renderer.render_tiled(ctx, &page.view.with_sub(band), max_tile)?;
        trace_phase("png: sky drawn", t0);
        img.blit(&sky, plot.x, sy0 - y0);
    }
    if let Some(tree) = page.overlay {
        let t0 = std::time::Instant::now();
        draw_overlay(tree, page.size, &mut img, y0)?;
        trace_phase("png: overlay drawn", t0);
    }
    Ok(img)
}

/// Rows of overlap drawn above and below a strip: the rasteriser treats a pixmap's edges
/// specially, so a strip's own rows are drawn away from them, as in a whole page.
const OVERLAP_ROWS: u32 = 32;

/// Draws the overlay over `strip`, the page's rows `y0 ..`.
fn draw_overlay(tree: &usvg::Tree, page: (u32, u32), strip: &mut Image, y0: u32) -> Result<()> {
    let (w, rows) = (strip.width, strip.height);
    let above = OVERLAP_ROWS.min(y0);
    let below = OVERLAP_ROWS.min(page.1 - y0 - rows);
    let row_bytes = w as usize * 4;
    // Every pixel is opaque here, so straight and premultiplied alpha agree.
    let mut data = vec![255u8; row_bytes * (above + rows + below) as usize];
    let mid = row_bytes * above as usize..row_bytes * (above + rows) as usize;
    data[mid.clone()].copy_from_slice(&strip.rgba);
    for a in data[mid.clone()].iter_mut().skip(3).step_by(4) {
        *a = 255;
    }
    let size = tiny_skia::IntSize::from_wh(w, above + rows + below)
        .ok_or_else(|| Error::user("empty page strip"))?;
    let mut pixmap = tiny_skia::Pixmap::from_vec(data, size)
        .ok_or_else(|| Error::user("page strip does not fit a pixmap"))?;
    // The document's size is in inches (usvg reads them at 96 per inch); its view box is
    // page pixels.
    let sx = page.0 as f32 / tree.size().width();
    let sy = page.1 as f32 / tree.size().height();
    let top = y0 as f32 - above as f32;
    resvg::render(
        tree,
        tiny_skia::Transform::from_row(sx, 0.0, 0.0, sy, 0.0, -top),
        &mut pixmap.as_mut(),
    );
    strip.rgba.copy_from_slice(&pixmap.data()[mid]);
    Ok(())
}

/// PNG bytes of an image (the sky embedded in SVG and PDF pages).
pub fn png_bytes(img: &Image) -> Result<Vec<u8>> {
    img.encode_png(&[])
}

/// Writes an SVG document atomically.
pub fn write_svg(svg: &str, out: &Path) -> Result<()> {
    write_atomically(out, |tmp| {
        std::fs::write(tmp, svg.as_bytes()).map_err(|e| Error::file(out, e))
    })
}

/// Converts an SVG document to PDF (text kept as text, the bundled font embedded as a
/// subset) and writes it atomically.
pub fn write_pdf(svg: &str, out: &Path, info: &[(&str, String)]) -> Result<()> {
    let tree = parse_svg(svg)?;
    let pdf = svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        // usvg reads the document's inches at 96 pixels each.
        svg2pdf::PageOptions { dpi: 96.0 },
    )
    .map_err(|e| Error::file(out, format!("PDF conversion: {e}")))?;
    let pdf = with_document_info(pdf, info)
        .map_err(|e| Error::file(out, format!("PDF document information: {e}")))?;
    write_atomically(out, |tmp| {
        std::fs::write(tmp, &pdf).map_err(|e| Error::file(out, e))
    })
}

/// `pdf` with a document information dictionary of `info` (key, text) appended as an
/// incremental update, the way PDF editors add one: a new object, a one-entry
/// cross-reference section and a trailer pointing back at the original's. Keys are PDF
/// Info keys (Title, Subject, Creator, Producer, or custom names).
pub fn with_document_info(
    mut pdf: Vec<u8>,
    info: &[(&str, String)],
) -> std::result::Result<Vec<u8>, String> {
    // The trailer and startxref end the file: its last kilobytes are all we read.
    let text = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(16 << 10)..]).into_owned();
    let at = text.rfind("startxref").ok_or("no startxref")?;
    let prev: usize = text[at + 9..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("no cross-reference offset")?;
    let trailer = &text[text[..at].rfind("trailer").ok_or("no trailer")?..at];
    let value = |key: &str| -> Option<String> {
        let rest = &trailer[trailer.find(key)? + key.len()..];
        let end = rest.find(['/', '>']).unwrap_or(rest.len());
        Some(rest[..end].trim().to_string())
    };
    let size: usize = value("/Size")
        .and_then(|n| n.parse().ok())
        .ok_or("no /Size in the trailer")?;
    let root = value("/Root").ok_or("no /Root in the trailer")?;
    // Text strings as UTF-16BE with a byte-order mark: any character, nothing to escape.
    let utf16 = |s: &str| {
        let hex: String = s.encode_utf16().map(|u| format!("{u:04X}")).collect();
        format!("<FEFF{hex}>")
    };
    let mut dict = String::from("<<");
    for (key, v) in info {
        let name: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        dict.push_str(&format!("\n  /{name} {}", utf16(v)));
    }
    dict.push_str("\n>>");
    if !pdf.ends_with(b"\n") {
        pdf.push(b'\n');
    }
    let object = pdf.len();
    pdf.extend_from_slice(format!("{size} 0 obj\n{dict}\nendobj\n").as_bytes());
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!(
            "xref\n{size} 1\n{object:010} 00000 n \ntrailer\n<<\n  /Size {}\n  /Root {root}\n  \
             /Info {size} 0 R\n  /Prev {prev}\n>>\nstartxref\n{xref}\n%%EOF\n",
            size + 1
        )
        .as_bytes(),
    );
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::with_document_info;

    #[test]
    fn document_information_is_appended_or_refused() {
        // The shape of a PDF's end as pdf-writer writes it.
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n\
            0000000000 65535 f \n0000000009 00000 n \ntrailer\n<<\n  /Size 2\n  /Root 1 0 R\n>>\n\
            startxref\n45\n%%EOF"
            .to_vec();
        let n = pdf.len();
        let out = with_document_info(pdf, &[("Title", "(α) \\".into())]).unwrap();
        let tail = String::from_utf8_lossy(&out[n..]);
        assert!(
            tail.contains("2 0 obj\n<<\n  /Title <FEFF002803B100290020005C>\n>>"),
            "{tail}"
        );
        assert!(
            tail.contains("/Size 3\n  /Root 1 0 R\n  /Info 2 0 R\n  /Prev 45"),
            "{tail}"
        );
        // The new cross-reference entry points at the new object.
        let obj = out.windows(7).position(|w| w == b"2 0 obj").unwrap();
        assert!(
            tail.contains(&format!("xref\n2 1\n{obj:010} 00000 n ")),
            "{tail}"
        );
        for bad in [&b"not a pdf"[..], b"trailer\n<< >>\nstartxref\n9\n%%EOF"] {
            assert!(with_document_info(bad.to_vec(), &[]).is_err());
        }
    }
}
