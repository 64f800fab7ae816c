//! report.html opened in a real headless Chromium (Debian's `chromium`): the tables and
//! charts render, clicking a column header sorts, filtering hides rows, and the console
//! shows no error. When Chromium is missing, `scripts/install-test-deps.sh` installs it
//! (it needs root and Debian's package registry); without it the test fails and says so.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    let find = || {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|b| {
                Command::new("sh")
                    .args(["-c", &format!("command -v {b}")])
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            })
    };
    if let Some(p) = find() {
        return p;
    }
    let setup = root().join("scripts/install-test-deps.sh");
    let st = Command::new("bash").arg(&setup).status();
    find().unwrap_or_else(|| {
        panic!(
            "Chromium is needed for this test and could not be installed ({st:?}); run {} as root",
            setup.display()
        )
    })
}

/// Runs before the page's own script: records every error and console.error.
const HOOK: &str = r#"<script>
window.__errors=[];
window.addEventListener("error",function(e){window.__errors.push("error: "+e.message);});
window.addEventListener("unhandledrejection",function(e){window.__errors.push("rejection: "+e.reason);});
(function(){var o=console.error;console.error=function(){window.__errors.push("console.error: "+Array.prototype.join.call(arguments," "));o.apply(console,arguments);};})();
</script>"#;

/// Runs after the page's script: exercises the page like a user and writes the results.
const PROBE: &str = r#"<script>
(function(){
  var R={};
  function col(table,i){return Array.prototype.map.call(table.tBodies[0].rows,function(r){return r.cells[i];});}
  function nums(table,i){return col(table,i).map(function(td){return parseFloat(td.getAttribute("data-v"));});}
  function sorted(a,asc){for(var i=1;i<a.length;i++){if(asc?a[i-1]>a[i]:a[i-1]<a[i])return false;}return true;}
  var emp=document.getElementById("employees-table");
  R.employees=emp?emp.tBodies[0].rows.length:0;
  R.centers=document.getElementById("centers-table").tBodies[0].rows.length;
  R.violations=document.getElementById("violations-table").tBodies[0].rows.length;
  var figs=document.querySelectorAll("figure svg");
  R.charts=figs.length;
  R.chartsDrawn=Array.prototype.filter.call(figs,function(s){var b=s.getBoundingClientRect();return b.width>100&&b.height>50&&s.querySelectorAll("path").length>5;}).length;
  // click the score header: ascending, then descending
  var ths=emp.tHead.rows[0].cells,si=-1;
  for(var i=0;i<ths.length;i++){if(ths[i].getAttribute("title")==="score")si=i;}
  R.scoreCol=si;
  var before=nums(emp,si);
  R.initiallySorted=sorted(before,true);
  ths[si].click();
  var asc=nums(emp,si);
  R.ascSorted=sorted(asc,true);R.ascSort=ths[si].getAttribute("aria-sort");
  ths[si].click();
  var desc=nums(emp,si);
  R.descSorted=sorted(desc,false);R.descSort=ths[si].getAttribute("aria-sort");
  R.sameMultiset=JSON.stringify(before.slice().sort())===JSON.stringify(desc.slice().sort());
  // filter by the first employee id
  var id=col(emp,0)[0].textContent;
  var f=document.querySelector('input.filter[data-table="employees-table"]');
  f.value=id;f.dispatchEvent(new Event("input"));
  R.filterVisible=Array.prototype.filter.call(emp.tBodies[0].rows,function(r){return !r.hidden;}).length;
  R.filterExpected=Array.prototype.filter.call(emp.tBodies[0].rows,function(r){return r.textContent.toLowerCase().indexOf(id.toLowerCase())>=0;}).length;
  R.errors=window.__errors;
  var pre=document.createElement("pre");pre.id="probe-result";pre.textContent=JSON.stringify(R);document.body.appendChild(pre);
})();
</script>"#;

fn run_page(html: &Path) -> (serde_json::Value, String) {
    let page = std::fs::read_to_string(html).unwrap();
    let probed = page
        .replacen("<head>", &format!("<head>{HOOK}"), 1)
        .replacen("</body>", &format!("{PROBE}</body>"), 1);
    let probe_path = html.with_file_name("probe.html");
    std::fs::write(&probe_path, probed).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe_path.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let json = dom
        .split("<pre id=\"probe-result\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("no probe result; stderr:\n{stderr}"));
    let json = json
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    (serde_json::from_str(&json).unwrap(), stderr)
}

#[test]
fn the_html_report_renders_sorts_and_filters_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = Command::new(env!("CARGO_BIN_EXE_shouwen"))
        .args(["audit", "sample-data", "--quiet", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = out.join("report.html");
    let text = std::fs::read_to_string(&html).unwrap();
    // self-contained: nothing to fetch
    for needle in ["src=\"http", "href=\"http", "@import", "url(http", "<link "] {
        assert!(!text.contains(needle), "page fetches: {needle}");
    }
    let scorecards = std::fs::read_to_string(out.join("scorecards.csv")).unwrap();
    let employees = scorecards.lines().count() - 1;

    let (r, stderr) = run_page(&html);
    assert_eq!(
        r["errors"],
        serde_json::json!([]),
        "page errors; stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("Uncaught"),
        "uncaught error in console:\n{stderr}"
    );
    assert_eq!(r["employees"], employees as u64);
    assert_eq!(r["centers"], 4);
    assert!(r["violations"].as_u64().unwrap() > 100);
    assert_eq!(r["charts"], 5);
    assert_eq!(r["chartsDrawn"], 5);
    assert!(r["scoreCol"].as_i64().unwrap() > 0);
    // the sample's employees are not listed by score, so sorting is observable
    assert_eq!(r["initiallySorted"], false);
    assert_eq!(r["ascSorted"], true);
    assert_eq!(r["ascSort"], "ascending");
    assert_eq!(r["descSorted"], true);
    assert_eq!(r["descSort"], "descending");
    assert_eq!(r["sameMultiset"], true);
    assert!(r["filterVisible"].as_u64().unwrap() >= 1);
    assert_eq!(r["filterVisible"], r["filterExpected"]);
    assert!(r["filterVisible"].as_u64().unwrap() < employees as u64);
}
