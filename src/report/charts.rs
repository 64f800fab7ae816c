//! Charts for people: drawn once with plotters into a display list, then written as SVG
//! (text as glyph outlines) and PNG (text rasterised), both with the embedded CJK font,
//! so Chinese titles, axes and legends render the same on any machine.

use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt::Write;
use std::rc::Rc;

use plotters::prelude::*;
use plotters_backend::{
    text_anchor::{HPos, Pos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform,
};

use super::font;

/// One chart, ready to be written as `charts/<name>.svg` and `charts/<name>.png`.
pub struct Chart {
    pub name: &'static str,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

const W: u32 = 960;
const H: u32 = 540;

/// Colours for series, in order (colour-blind-safe Okabe–Ito, then greys).
const PALETTE: &[(u8, u8, u8)] = &[
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (213, 94, 0),
    (86, 180, 233),
    (204, 121, 167),
    (240, 228, 66),
    (0, 0, 0),
    (120, 120, 120),
    (170, 170, 170),
];

pub fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

// ---------------------------------------------------------------- display list

#[derive(Clone, Copy, PartialEq)]
struct Rgba(u8, u8, u8, f64);

impl Rgba {
    fn of(c: BackendColor) -> Rgba {
        Rgba(c.rgb.0, c.rgb.1, c.rgb.2, c.alpha)
    }
    fn backend(self) -> BackendColor {
        BackendColor {
            alpha: self.3,
            rgb: (self.0, self.1, self.2),
        }
    }
    fn svg(self, attr: &str) -> String {
        let mut s = format!(" {attr}=\"#{:02x}{:02x}{:02x}\"", self.0, self.1, self.2);
        if self.3 < 1.0 {
            let _ = write!(s, " {attr}-opacity=\"{:.3}\"", self.3);
        }
        s
    }
}

enum Prim {
    Pixel(BackendCoord, Rgba),
    Line(BackendCoord, BackendCoord, Rgba, u32),
    Rect(BackendCoord, BackendCoord, Rgba, u32, bool),
    Path(Vec<BackendCoord>, Rgba, u32),
    Circle(BackendCoord, u32, Rgba, u32, bool),
    Polygon(Vec<BackendCoord>, Rgba),
    Text {
        text: String,
        size: f64,
        color: Rgba,
        h: HPos,
        v: VPos,
        rot: FontTransform,
        pos: BackendCoord,
    },
}

/// A plotters backend that only records what is drawn.
struct Recorder {
    size: (u32, u32),
    prims: Rc<RefCell<Vec<Prim>>>,
}

type DResult = Result<(), DrawingErrorKind<Infallible>>;

impl DrawingBackend for Recorder {
    type ErrorType = Infallible;
    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> DResult {
        Ok(())
    }
    fn present(&mut self) -> DResult {
        Ok(())
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> DResult {
        self.prims.borrow_mut().push(Prim::Pixel(p, Rgba::of(c)));
        Ok(())
    }
    fn draw_line<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S) -> DResult {
        self.prims
            .borrow_mut()
            .push(Prim::Line(a, b, Rgba::of(s.color()), s.stroke_width()));
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        s: &S,
        fill: bool,
    ) -> DResult {
        self.prims.borrow_mut().push(Prim::Rect(
            a,
            b,
            Rgba::of(s.color()),
            s.stroke_width(),
            fill,
        ));
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> DResult {
        self.prims.borrow_mut().push(Prim::Path(
            path.into_iter().collect(),
            Rgba::of(s.color()),
            s.stroke_width(),
        ));
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        s: &S,
        fill: bool,
    ) -> DResult {
        self.prims.borrow_mut().push(Prim::Circle(
            c,
            r,
            Rgba::of(s.color()),
            s.stroke_width(),
            fill,
        ));
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        s: &S,
    ) -> DResult {
        self.prims.borrow_mut().push(Prim::Polygon(
            vert.into_iter().collect(),
            Rgba::of(s.color()),
        ));
        Ok(())
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, s: &T, pos: BackendCoord) -> DResult {
        let a = s.anchor();
        self.prims.borrow_mut().push(Prim::Text {
            text: text.to_string(),
            size: s.size(),
            color: Rgba::of(s.color()),
            h: a.h_pos,
            v: a.v_pos,
            rot: s.transform(),
            pos,
        });
        Ok(())
    }
    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        s: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let l = font::layout(text, s.size());
        Ok((l.width.ceil() as u32, l.height.ceil() as u32))
    }
}

/// Where a text's line frame lands: offset of the box's top-left from the anchor point.
fn text_offset(l: &font::Line, h: HPos, v: VPos) -> (f32, f32) {
    let dx = match h {
        HPos::Left => 0.0,
        HPos::Right => -l.width,
        HPos::Center => -l.width / 2.0,
    };
    let dy = match v {
        VPos::Top => 0.0,
        VPos::Center => -l.height / 2.0,
        VPos::Bottom => -l.height,
    };
    (dx, dy)
}

fn rotate(rot: &FontTransform, x: f32, y: f32) -> (f32, f32) {
    match rot {
        FontTransform::None => (x, y),
        FontTransform::Rotate90 => (-y, x),
        FontTransform::Rotate180 => (-x, -y),
        FontTransform::Rotate270 => (y, -x),
    }
}

fn pts(p: &[BackendCoord]) -> String {
    p.iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn to_svg(prims: &[Prim], (w, h): (u32, u32), title: &str) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\n",
        t = super::html::escape(title)
    );
    for p in prims {
        match p {
            Prim::Pixel((x, y), c) => {
                let _ = writeln!(
                    s,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"{}/>",
                    c.svg("fill")
                );
            }
            Prim::Line((x1, y1), (x2, y2), c, sw) => {
                let _ = writeln!(
                    s,
                    "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"{} stroke-width=\"{sw}\"/>",
                    c.svg("stroke")
                );
            }
            Prim::Rect((x1, y1), (x2, y2), c, sw, fill) => {
                let paint = if *fill {
                    c.svg("fill")
                } else {
                    format!(" fill=\"none\"{} stroke-width=\"{sw}\"", c.svg("stroke"))
                };
                let _ = writeln!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{paint}/>",
                    x1.min(x2),
                    y1.min(y2),
                    (x2 - x1).abs(),
                    (y2 - y1).abs()
                );
            }
            Prim::Path(p, c, sw) => {
                let _ = writeln!(
                    s,
                    "<polyline points=\"{}\" fill=\"none\"{} stroke-width=\"{sw}\"/>",
                    pts(p),
                    c.svg("stroke")
                );
            }
            Prim::Circle((x, y), r, c, sw, fill) => {
                let paint = if *fill {
                    c.svg("fill")
                } else {
                    format!(" fill=\"none\"{} stroke-width=\"{sw}\"", c.svg("stroke"))
                };
                let _ = writeln!(s, "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\"{paint}/>");
            }
            Prim::Polygon(p, c) => {
                let _ = writeln!(s, "<polygon points=\"{}\"{}/>", pts(p), c.svg("fill"));
            }
            Prim::Text {
                text,
                size,
                color,
                h,
                v,
                rot,
                pos,
            } => {
                let l = font::layout(text, *size);
                let (dx, dy) = text_offset(&l, *h, *v);
                let d = font::svg_path(&l, |x, y| {
                    let (x, y) = rotate(rot, x + dx, y + dy);
                    (pos.0 as f32 + x, pos.1 as f32 + y)
                });
                let _ = writeln!(
                    s,
                    "<path d=\"{d}\"{}><title>{}</title></path>",
                    color.svg("fill"),
                    super::html::escape(text)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

struct Style(BackendColor, u32);
impl BackendStyle for Style {
    fn color(&self) -> BackendColor {
        self.0
    }
    fn stroke_width(&self) -> u32 {
        self.1
    }
}

fn to_png(prims: &[Prim], (w, h): (u32, u32)) -> Vec<u8> {
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let mut b = BitMapBackend::with_buffer(&mut buf, (w, h));
        for p in prims {
            // Drawing into a memory buffer cannot fail; errors are ignored.
            let _ = match p {
                Prim::Pixel(q, c) => b.draw_pixel(*q, c.backend()),
                Prim::Line(a, z, c, sw) => b.draw_line(*a, *z, &Style(c.backend(), *sw)),
                Prim::Rect(a, z, c, sw, fill) => {
                    b.draw_rect(*a, *z, &Style(c.backend(), *sw), *fill)
                }
                Prim::Path(p, c, sw) => b.draw_path(p.iter().copied(), &Style(c.backend(), *sw)),
                Prim::Circle(q, r, c, sw, fill) => {
                    b.draw_circle(*q, *r, &Style(c.backend(), *sw), *fill)
                }
                Prim::Polygon(p, c) => b.fill_polygon(p.iter().copied(), &Style(c.backend(), 1)),
                Prim::Text {
                    text,
                    size,
                    color,
                    h: hp,
                    v,
                    rot,
                    pos,
                } => {
                    let l = font::layout(text, *size);
                    let (dx, dy) = text_offset(&l, *hp, *v);
                    let mut res = Ok(());
                    font::raster(&l, |x, y, cov| {
                        let (x, y) = rotate(rot, x as f32 + dx, y as f32 + dy);
                        let (x, y) = (pos.0 + x.round() as i32, pos.1 + y.round() as i32);
                        if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                            let c = BackendColor {
                                alpha: color.3 * f64::from(cov.min(1.0)),
                                rgb: (color.0, color.1, color.2),
                            };
                            if res.is_ok() {
                                res = b.draw_pixel((x, y), c);
                            }
                        }
                    });
                    res
                }
            };
        }
        let _ = b.present();
    }
    let mut out = vec![];
    // Encoding a well-formed RGB buffer into memory does not fail.
    let _ = image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &buf,
        w,
        h,
        image::ColorType::Rgb8,
    );
    out
}

/// Draw with plotters into a display list and render it both ways.
fn render(
    name: &'static str,
    title: &str,
    draw: impl FnOnce(DrawingArea<Recorder, plotters::coord::Shift>),
) -> Chart {
    let prims = Rc::new(RefCell::new(vec![]));
    let rec = Recorder {
        size: (W, H),
        prims: prims.clone(),
    };
    let root = rec.into_drawing_area();
    let _ = root.fill(&WHITE);
    draw(root);
    let prims = prims.borrow();
    Chart {
        name,
        title: title.to_string(),
        svg: to_svg(&prims, (W, H), title),
        png: to_png(&prims, (W, H)),
    }
}

// ---------------------------------------------------------------- chart kinds

/// Grouped vertical bars: one group per category, one bar per series.
pub struct Bars {
    pub name: &'static str,
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub categories: Vec<String>,
    /// (legend label, one value per category)
    pub series: Vec<(String, Vec<f64>)>,
    /// Values are shares (0–1) shown as percentages.
    pub percent: bool,
    /// A vertical line at this position (in category units) with its label.
    pub marker: Option<(f64, String)>,
}

fn font_of(size: f64) -> FontDesc<'static> {
    ("sans-serif", size).into_font()
}

fn nice_max(m: f64) -> f64 {
    if m <= 0.0 || !m.is_finite() {
        return 1.0;
    }
    m * 1.12
}

pub fn bars(b: &Bars) -> Chart {
    render(b.name, &b.title, |root| {
        let n = b.categories.len().max(1) as f64;
        let ymax = if b.percent {
            1.0
        } else {
            nice_max(
                b.series
                    .iter()
                    .flat_map(|s| s.1.iter().copied())
                    .fold(0.0, f64::max),
            )
        };
        let legend = b.series.len() > 1;
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(&b.title, font_of(24.0))
            .margin(16)
            .margin_right(if legend { 190 } else { 16 })
            .x_label_area_size(if b.categories.len() > 8 { 70 } else { 44 })
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..n, 0f64..ymax)
        else {
            return;
        };
        let percent = b.percent;
        let fmt = move |v: &f64| {
            if percent {
                format!("{:.0}%", v * 100.0)
            } else if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        };
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&fmt)
            .x_desc(b.x_desc.as_str())
            .y_desc(b.y_desc.as_str())
            .label_style(font_of(14.0))
            .axis_desc_style(font_of(16.0))
            .draw();
        let k = b.series.len().max(1) as f64;
        let group = 0.8;
        for (si, (label, values)) in b.series.iter().enumerate() {
            let c = color(si);
            let bars = values.iter().enumerate().map(move |(ci, v)| {
                let x0 = ci as f64 + (1.0 - group) / 2.0 + group * si as f64 / k;
                let x1 = x0 + group / k * 0.92;
                Rectangle::new([(x0, 0.0), (x1, v.min(ymax))], c.filled())
            });
            if let Ok(s) = chart.draw_series(bars) {
                if b.series.len() > 1 {
                    s.label(label.as_str()).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled())
                    });
                }
            }
        }
        if let Some((x, label)) = &b.marker {
            let red = RGBColor(204, 0, 0);
            let _ = chart.draw_series(std::iter::once(PathElement::new(
                vec![(*x, 0.0), (*x, ymax)],
                plotters::style::Color::stroke_width(&red, 2),
            )));
            let (px, py) = chart.backend_coord(&(*x, ymax));
            let _ = root.draw(&Text::new(
                label.clone(),
                (px + 6, py + 4),
                font_of(15.0).color(&red),
            ));
        }
        if legend {
            // In the right margin, beside the plot, so it never hides a bar.
            let (x0, y0) = chart.backend_coord(&(n, ymax));
            for (si, (label, _)) in b.series.iter().enumerate() {
                let y = y0 + 4 + 24 * si as i32;
                let _ = root.draw(&Rectangle::new(
                    [(x0 + 14, y), (x0 + 28, y + 14)],
                    color(si).filled(),
                ));
                let style = font_of(14.0)
                    .into_text_style(&root)
                    .pos(Pos::new(HPos::Left, VPos::Center));
                let _ = root.draw(&Text::new(truncate(label, 11), (x0 + 34, y + 7), style));
            }
        }
        // Category labels under the axis, centred on their group (rotated when crowded).
        let crowded = b.categories.len() > 8;
        for (i, c) in b.categories.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            let style = if crowded {
                font_of(13.0)
                    .transform(FontTransform::Rotate90)
                    .into_text_style(&root)
                    .pos(Pos::new(HPos::Left, VPos::Center))
            } else {
                font_of(14.0)
                    .into_text_style(&root)
                    .pos(Pos::new(HPos::Center, VPos::Top))
            };
            let _ = root.draw(&Text::new(truncate(c, 14), (px, py + 6), style));
        }
    })
}

/// Horizontal bars, one per category (for long labels such as rule titles).
pub fn hbars(
    name: &'static str,
    title: &str,
    x_desc: &str,
    categories: &[String],
    values: &[f64],
) -> Chart {
    render(name, title, |root| {
        let n = categories.len().max(1) as f64;
        let xmax = nice_max(values.iter().copied().fold(0.0, f64::max));
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, font_of(24.0))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(300)
            .build_cartesian_2d(0f64..xmax, 0f64..n)
        else {
            return;
        };
        let _ = chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_desc(x_desc)
            .label_style(font_of(14.0))
            .axis_desc_style(font_of(16.0))
            .draw();
        let c = color(0);
        // First category at the top.
        let _ = chart.draw_series(values.iter().enumerate().map(|(i, v)| {
            let y1 = n - i as f64 - 0.12;
            Rectangle::new([(0.0, y1 - 0.76), (*v, y1)], c.filled())
        }));
        for (i, (cat, v)) in categories.iter().zip(values).enumerate() {
            let y = n - i as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(0.0, y));
            let style = font_of(14.0)
                .into_text_style(&root)
                .pos(Pos::new(HPos::Right, VPos::Center));
            let _ = root.draw(&Text::new(truncate(cat, 22), (px - 8, py), style));
            let (vx, vy) = chart.backend_coord(&(*v, y));
            let style = font_of(13.0)
                .into_text_style(&root)
                .pos(Pos::new(HPos::Left, VPos::Center));
            let _ = root.draw(&Text::new(format!("{v:.0}"), (vx + 4, vy), style));
        }
    })
}

/// At most `n` characters, with an ellipsis when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bars {
        Bars {
            name: "t",
            title: "服务中心主要指标对比".into(),
            x_desc: "指标".into(),
            y_desc: "比率".into(),
            categories: vec!["按时回应率".into(), "办结率".into()],
            series: vec![
                ("东区服务中心".into(), vec![0.9, 0.8]),
                ("西区服务中心".into(), vec![0.7, 0.95]),
            ],
            percent: true,
            marker: None,
        }
    }

    #[test]
    fn svg_has_no_text_elements_only_outlined_labels() {
        let c = bars(&sample());
        assert!(c.svg.starts_with("<svg"));
        assert!(!c.svg.contains("<text"), "text must be outlines");
        // title, legend and category labels are all there as outlined paths
        for label in [
            "服务中心主要指标对比",
            "东区服务中心",
            "按时回应率",
            "办结率",
        ] {
            assert!(
                c.svg.contains(&format!("<title>{label}</title>")),
                "{label}"
            );
        }
        assert!(c.svg.matches("<rect").count() >= 4);
    }

    #[test]
    fn png_is_a_real_png_with_dark_pixels_in_the_title_band() {
        let c = bars(&sample());
        assert_eq!(&c.png[..8], b"\x89PNG\r\n\x1a\n");
        let img = image::load_from_memory(&c.png).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (W, H));
        // The caption sits in the top band: it must have dark (text) pixels.
        let dark = (0..40)
            .flat_map(|y| (0..W).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&v| v < 100))
            .count();
        assert!(dark > 100, "caption has {dark} dark pixels");
    }

    #[test]
    fn rendering_is_deterministic() {
        let a = bars(&sample());
        let b = bars(&sample());
        assert_eq!(a.svg, b.svg);
        assert_eq!(a.png, b.png);
    }
}
