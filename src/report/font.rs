//! The one font every chart uses, compiled into the binary so that Chinese labels render
//! on a machine with no CJK font installed (a fresh server, a CI runner).
//!
//! `assets/fonts/wqy-microhei-subset.ttf` is WenQuanYi Micro Hei (Apache-2.0, see
//! `assets/fonts/LICENSE-wqy-microhei.txt`) subset to GB2312, ASCII, CJK punctuation,
//! full-width forms and every character of the project's rules and regulations (about
//! 10,000 characters, 1.5 MB). Text is laid out here once and then either filled as
//! outlines into SVG paths or rasterised into a PNG, so neither output depends on the
//! viewer's fonts.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, PxScale, ScaleFont};

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-subset.ttf");

pub fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses"))
}

/// Whether the embedded font has a glyph for `c` (not the missing-glyph box).
pub fn has_glyph(c: char) -> bool {
    c.is_control() || font().glyph_id(c).0 != 0
}

/// A line of text laid out at a pixel size: glyphs with their pen positions.
pub struct Line {
    pub width: f32,
    pub height: f32,
    pub ascent: f32,
    pub scale: PxScale,
    pub glyphs: Vec<(GlyphId, f32)>,
}

/// Lay `text` out on one line. Characters the font lacks are drawn as `?` rather than as
/// an empty box, so a label stays legible.
pub fn layout(text: &str, size: f64) -> Line {
    let f = font();
    let scale = PxScale::from(size.max(1.0) as f32);
    let sf = f.as_scaled(scale);
    let question = f.glyph_id('?');
    let mut x = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            continue;
        }
        let mut id = f.glyph_id(c);
        if id.0 == 0 {
            id = question;
        }
        if let Some(p) = prev {
            x += sf.kern(p, id);
        }
        glyphs.push((id, x));
        x += sf.h_advance(id);
        prev = Some(id);
    }
    Line {
        width: x,
        height: sf.ascent() - sf.descent(),
        ascent: sf.ascent(),
        scale,
        glyphs,
    }
}

/// The outlines of a laid-out line as SVG path data. `map` takes a point in the line's
/// own frame (x right from the pen start, y down from the top of the line box) to the
/// drawing's coordinates.
pub fn svg_path(line: &Line, map: impl Fn(f32, f32) -> (f32, f32)) -> String {
    let f = font();
    let sf = f.as_scaled(line.scale);
    let (hs, vs) = (sf.h_scale_factor(), sf.v_scale_factor());
    let mut d = String::new();
    for &(id, pen) in &line.glyphs {
        let Some(outline) = f.outline(id) else {
            continue;
        };
        let pt = |p: ab_glyph::Point| map(pen + p.x * hs, line.ascent - p.y * vs);
        let mut last: Option<(f32, f32)> = None;
        for c in &outline.curves {
            let (start, rest): (ab_glyph::Point, Vec<ab_glyph::Point>) = match *c {
                OutlineCurve::Line(a, b) => (a, vec![b]),
                OutlineCurve::Quad(a, b, c) => (a, vec![b, c]),
                OutlineCurve::Cubic(a, b, c, e) => (a, vec![b, c, e]),
            };
            let s = pt(start);
            if last.is_none_or(|l| (l.0 - s.0).abs() > 0.01 || (l.1 - s.1).abs() > 0.01) {
                if last.is_some() {
                    d.push('Z');
                }
                push_cmd(&mut d, 'M', &[s]);
            }
            let pts: Vec<(f32, f32)> = rest.into_iter().map(pt).collect();
            let cmd = match pts.len() {
                1 => 'L',
                2 => 'Q',
                _ => 'C',
            };
            push_cmd(&mut d, cmd, &pts);
            last = pts.last().copied();
        }
        if last.is_some() {
            d.push('Z');
        }
    }
    d
}

fn push_cmd(d: &mut String, cmd: char, pts: &[(f32, f32)]) {
    use std::fmt::Write;
    d.push(cmd);
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            d.push(' ');
        }
        let _ = write!(d, "{} {}", round1(*x), round1(*y));
    }
}

/// One decimal, without a trailing `.0`, and never `-0`.
pub fn round1(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".into();
    }
    let s = format!("{r:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Rasterise a laid-out line: calls `put(x, y, coverage)` for every covered pixel, in
/// the line's own frame (x right from the pen start, y down from the top of the box).
pub fn raster(line: &Line, mut put: impl FnMut(i32, i32, f32)) {
    let f = font();
    let sf = f.as_scaled(line.scale);
    for &(id, pen) in &line.glyphs {
        let g = id.with_scale_and_position(line.scale, ab_glyph::point(pen, line.ascent));
        if let Some(og) = sf.outline_glyph(g) {
            let b = og.px_bounds();
            og.draw(|x, y, c| {
                if c > 0.0 {
                    put(b.min.x as i32 + x as i32, b.min.y as i32 + y as i32, c);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_covers_the_report_vocabulary() {
        let labels =
            "员工得分分布各规则违规数服务中心主要指标对比首次响应用时分布小时等级人数月度趋势\
                      不知道不归我管没办法满意率按时回应率办结率回访率样本不足０１２３％（）：，。\
                      员工得分分布（不含样本不足）";
        let missing: Vec<char> = labels.chars().filter(|c| !has_glyph(*c)).collect();
        assert!(missing.is_empty(), "missing glyphs: {missing:?}");
        // a character outside the subset really is reported missing (so the check can fail)
        assert!(!has_glyph('\u{20000}'));
    }

    #[test]
    fn distinct_characters_rasterise_to_distinct_non_empty_bitmaps() {
        let bitmap = |s: &str| {
            let l = layout(s, 24.0);
            let mut px = std::collections::BTreeMap::new();
            raster(&l, |x, y, c| {
                px.insert((x, y), (c * 255.0) as u8);
            });
            px
        };
        let a = bitmap("首");
        let b = bitmap("问");
        let tofu = {
            let l = Line {
                glyphs: vec![(GlyphId(0), 0.0)],
                ..layout("x", 24.0)
            };
            let mut px = std::collections::BTreeMap::new();
            raster(&l, |x, y, c| {
                px.insert((x, y), (c * 255.0) as u8);
            });
            px
        };
        assert!(a.len() > 40 && b.len() > 40, "{} {}", a.len(), b.len());
        assert_ne!(a, b);
        assert_ne!(a, tofu);
        assert_ne!(b, tofu);
    }

    #[test]
    fn svg_outlines_are_paths_and_missing_characters_become_question_marks() {
        let l = layout("得分", 20.0);
        assert_eq!(l.glyphs.len(), 2);
        let d = svg_path(&l, |x, y| (x, y));
        assert!(d.starts_with('M') && d.len() > 200, "{d}");
        let q = layout("\u{20000}", 20.0);
        assert_eq!(q.glyphs[0].0, font().glyph_id('?'));
    }
}
