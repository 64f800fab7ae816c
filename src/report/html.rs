//! `report.html`: one self-contained page (inline CSS, JS and SVG; nothing fetched) with
//! the headline figures, the charts, sortable and filterable tables, the rules applied
//! with their clauses, and the manifest. Every value from the data is escaped.
//!
//! The page stays small at any volume: employees and centers are listed in full, but
//! violations only up to [`MAX_VIOLATION_ROWS`], gravest first; the full list lives in
//! `violations.csv` and `report.xlsx`.

use std::fmt::Write;

use super::workbook::{zh_header, zh_value};
use super::{Cell, Sheet};

/// Violations shown on the page (the CSV and workbook have all of them).
pub const MAX_VIOLATION_ROWS: usize = 2000;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// What the page shows, assembled by the report writer.
pub struct Page<'a> {
    pub title: String,
    pub subtitle: String,
    /// A warning shown under the title, in red (a report made with `--unmask`).
    pub banner: Option<String>,
    /// (label, value) headline figures.
    pub figures: Vec<(String, String)>,
    /// (title, inline SVG).
    pub charts: Vec<(String, String)>,
    /// (section id, heading, note, table).
    pub tables: Vec<(&'static str, String, String, &'a Sheet)>,
    /// Rules applied: id, title, severity, points, clause, status, judged, violations.
    pub rules: Sheet,
    /// Manifest as pretty JSON.
    pub manifest: String,
}

fn display(h: &str, c: &Cell) -> (String, Option<String>) {
    match c {
        Cell::Text(s) => (zh_value(h, s).into_owned(), None),
        Cell::Num(s) => {
            let Ok(v) = s.parse::<f64>() else {
                return (s.clone(), None);
            };
            let shown = if h.ends_with("_rate") {
                format!("{:.1}%", v * 100.0)
            } else {
                s.clone()
            };
            (shown, Some(s.clone()))
        }
    }
}

fn table(id: &str, sheet: &Sheet) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<div class=\"tools\"><input type=\"search\" class=\"filter\" data-table=\"{id}\" placeholder=\"筛选…\" aria-label=\"筛选\"><span class=\"count\" id=\"{id}-count\">{} 行</span></div>\n<div class=\"wrap\"><table id=\"{id}\" class=\"sortable\"><thead><tr>",
        sheet.rows.len()
    );
    for (i, h) in sheet.header.iter().enumerate() {
        let numeric = sheet
            .rows
            .iter()
            .any(|r| matches!(r.get(i), Some(Cell::Num(_))));
        let _ = write!(
            s,
            "<th data-col=\"{i}\"{} title=\"{}\">{}</th>",
            if numeric { " data-type=\"num\"" } else { "" },
            escape(h),
            escape(&zh_header(h))
        );
    }
    s.push_str("</tr></thead><tbody>\n");
    for row in &sheet.rows {
        s.push_str("<tr>");
        for (h, c) in sheet.header.iter().zip(row) {
            let (shown, v) = display(h, c);
            match v {
                Some(v) => {
                    let _ = write!(
                        s,
                        "<td class=\"n\" data-v=\"{}\">{}</td>",
                        escape(&v),
                        escape(&shown)
                    );
                }
                None => {
                    let _ = write!(s, "<td>{}</td>", escape(&shown));
                }
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    s
}

const CSS: &str = r#"
:root{--ink:#1f2328;--mute:#57606a;--line:#d0d7de;--head:#f3f5f8;--accent:#0072b2}
*{box-sizing:border-box}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",system-ui,sans-serif;color:var(--ink);margin:0 auto;max-width:1200px;padding:16px;line-height:1.45}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:2px solid var(--accent);padding-bottom:.2em}
.sub{color:var(--mute);margin:0 0 1em}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.fig{border:1px solid var(--line);border-radius:6px;padding:10px}
.fig b{display:block;font-size:1.5em}.fig span{color:var(--mute);font-size:.9em}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px}
figure svg{width:100%;height:auto;display:block}
.tools{display:flex;gap:10px;align-items:center;margin:.4em 0}
.filter{padding:5px 8px;border:1px solid var(--line);border-radius:4px;min-width:220px}
.count{color:var(--mute);font-size:.9em}
.note{color:var(--mute);font-size:.9em}
.wrap{overflow-x:auto;max-height:70vh;overflow-y:auto;border:1px solid var(--line)}
table{border-collapse:collapse;width:100%;font-size:.85em}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0;cursor:pointer;white-space:nowrap;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
pre{background:var(--head);padding:10px;overflow-x:auto;font-size:.8em}
@media (max-width:600px){body{padding:8px}.charts{grid-template-columns:1fr}.filter{min-width:0;flex:1}table{font-size:.78em}}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}.tools{display:none}.wrap{max-height:none;overflow:visible;border:0}
th{position:static}figure,tr{break-inside:avoid}.charts{grid-template-columns:1fr 1fr}h2{break-after:avoid}}
"#;

const JS: &str = r#"
(function(){
  function key(td,num){if(!td)return num?-Infinity:"";if(num){var v=td.getAttribute("data-v");var x=parseFloat(v);return isNaN(x)?-Infinity:x;}return td.textContent;}
  document.querySelectorAll("table.sortable").forEach(function(t){
    t.querySelectorAll("th").forEach(function(th){
      th.addEventListener("click",function(){
        var col=+th.getAttribute("data-col"),num=th.getAttribute("data-type")==="num";
        var asc=th.getAttribute("aria-sort")!=="ascending";
        t.querySelectorAll("th").forEach(function(o){o.removeAttribute("aria-sort");});
        th.setAttribute("aria-sort",asc?"ascending":"descending");
        var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.forEach(function(r,i){r._i=i;});
        rows.sort(function(a,b){var x=key(a.cells[col],num),y=key(b.cells[col],num);
          var c=num?(x-y):String(x).localeCompare(String(y),"zh-CN");if(c===0)c=a._i-b._i;return asc?c:-c;});
        var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});body.appendChild(f);
      });
    });
  });
  document.querySelectorAll("input.filter").forEach(function(inp){
    inp.addEventListener("input",function(){
      var t=document.getElementById(inp.getAttribute("data-table")),q=inp.value.trim().toLowerCase(),n=0;
      Array.prototype.forEach.call(t.tBodies[0].rows,function(r){var ok=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.hidden=!ok;if(ok)n++;});
      var c=document.getElementById(inp.getAttribute("data-table")+"-count");if(c)c.textContent=n+" 行";
    });
  });
})();
"#;

pub fn render(p: &Page<'_>) -> String {
    let mut s = String::with_capacity(1 << 20);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\"><title>{}</title><style>{CSS}</style></head><body>\n<h1>{}</h1><p class=\"sub\">{}</p>\n",
        escape(&p.title),
        escape(&p.title),
        escape(&p.subtitle)
    );
    if let Some(b) = &p.banner {
        let _ = writeln!(
            s,
            "<p class=\"banner\" role=\"alert\" style=\"color:#b00020;font-weight:bold;border:2px solid #b00020;padding:.5em\">{}</p>",
            escape(b)
        );
    }
    s.push_str("<nav class=\"note\">");
    let mut links = vec![
        ("summary", "概览".to_string()),
        ("charts", "图表".to_string()),
    ];
    links.extend(p.tables.iter().map(|t| (t.0, t.1.clone())));
    links.push(("rules", "规则".to_string()));
    links.push(("manifest", "清单".to_string()));
    let nav: Vec<String> = links
        .iter()
        .map(|(id, h)| format!("<a href=\"#{id}\">{}</a>", escape(h)))
        .collect();
    s.push_str(&nav.join(" · "));
    s.push_str("</nav>\n<h2 id=\"summary\">概览</h2><div class=\"figures\">");
    for (label, value) in &p.figures {
        let _ = write!(
            s,
            "<div class=\"fig\"><b>{}</b><span>{}</span></div>",
            escape(value),
            escape(label)
        );
    }
    s.push_str("</div>\n<h2 id=\"charts\">图表</h2><div class=\"charts\">\n");
    for (title, svg) in &p.charts {
        let _ = writeln!(s, "<figure aria-label=\"{}\">{svg}</figure>", escape(title));
    }
    s.push_str("</div>\n");
    for (id, heading, note, sheet) in &p.tables {
        let _ = write!(s, "<h2 id=\"{id}\">{}</h2>", escape(heading));
        if !note.is_empty() {
            let _ = write!(s, "<p class=\"note\">{}</p>", escape(note));
        }
        s.push_str(&table(&format!("{id}-table"), sheet));
    }
    s.push_str("<h2 id=\"rules\">规则与依据</h2>");
    s.push_str(&table("rules-table", &p.rules));
    let _ = writeln!(
        s,
        "<h2 id=\"manifest\">清单（输入、校验和、判定时点）</h2><pre>{}</pre>",
        escape(&p.manifest)
    );
    let _ = write!(s, "<script>{JS}</script>\n</body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_escaped_everywhere_it_is_shown() {
        let sheet = Sheet {
            header: vec!["name".into(), "score".into()],
            rows: vec![vec![
                Cell::text("<script>alert(1)</script>\"'&"),
                Cell::Num("90".into()),
            ]],
        };
        let page = Page {
            title: "<b>t</b>".into(),
            subtitle: "a&b".into(),
            banner: None,
            figures: vec![("<i>".into(), "1".into())],
            charts: vec![],
            tables: vec![("employees", "员工".into(), "".into(), &sheet)],
            rules: Sheet {
                header: vec![],
                rows: vec![],
            },
            manifest: "{\"x\": \"</pre><script>\"}".into(),
        };
        let html = render(&page);
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("</pre><script>"));
        assert!(!html.contains("<b>t</b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
        // exactly one script element: ours
        assert_eq!(html.matches("<script>").count(), 1);
    }
}
