//! The coach report in a real browser: headless Chromium renders the report
//! of the bundled examples to a PNG and to its DOM after the script ran.
//!
//! Skips (with a message) where no Chromium is installed; `.ci/run`
//! installs Debian's `chromium` when it can. Every Chromium run gets a fresh
//! profile, the flags that keep it off the network (without them it hangs
//! on a closed network), and is killed after 60 s so the test cannot hang.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::report::{card_ids, expected_ranking, scored_examples};
use crate::util::TestCommand;

const TIMEOUT: Duration = Duration::from_secs(60);

/// The Chromium binary on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs Chromium headless on `args`; returns its standard output.
fn run_chromium(bin: &Path, profile: &Path, args: &[String]) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?} failed: {status}");
            break;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish in {TIMEOUT:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn chromium_renders_the_report_of_the_examples() {
    let Some(bin) = chromium() else {
        eprintln!("browser test skipped: no chromium on PATH (Debian: apt-get install chromium; .ci/run does it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (ix, turns) = scored_examples(dir.path());
    let page = dir.path().join("report.html");
    let mut c = TestCommand::new(&["report", "-q", "-o"]);
    c.arg(&page).arg(&ix).arg("--turns").arg(&turns);
    c.stdout();
    let expected = expected_ranking(&std::fs::read_to_string(&ix).unwrap());

    // The DOM after the script ran: every arc, in ranking order.
    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(&bin, profile.path(), &["--dump-dom".into(), url(&page)]);
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the inline script did not run to its end"
    );
    assert_eq!(dom.matches("<svg class=\"arc\"").count(), 20);
    assert_eq!(card_ids(&dom), expected);
    assert!(dom.contains("Showing 20 of 20 interactions drawn"));
    assert!(
        !dom.contains("<title>turn "),
        "the script moved point titles to the rich tooltip"
    );

    // Hover and filter, driven by a script appended to a copy.
    let html = std::fs::read_to_string(&page).unwrap();
    let probe = r#"<script>
      var li = document.querySelector('details.transcript li mark').closest('li');
      var pt = document.querySelector('[data-tip="' + li.id + '"]');
      pt.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 200, clientY: 200}));
      var f = document.getElementById('filters');
      f.elements.q.value = 'cc-0003';
      f.dispatchEvent(new Event('input', {bubbles: true}));
    </script></body>"#;
    let probed = dir.path().join("probe.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(&bin, profile.path(), &["--dump-dom".into(), url(&probed)]);
    let tip = &dom[dom.find("<div id=\"tip\"").unwrap()..];
    let tip = &tip[..tip.find("</div></div>").map_or(tip.len(), |i| i + 12)];
    assert!(
        !tip[..tip.find('>').unwrap()].contains("hidden"),
        "the tooltip is shown: {tip}"
    );
    assert!(tip.contains("<mark class="), "the tooltip marks the scoring words: {tip}");
    assert!(
        dom.contains("Showing 1 of 20 interactions drawn"),
        "the id search filters the cards"
    );

    // The picture: a PNG of the requested size.
    let png = dir.path().join("report.png");
    let profile = tempfile::tempdir().unwrap();
    run_chromium(
        &bin,
        profile.path(),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
            url(&page),
        ],
    );
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    );
    assert_eq!((w, h), (1280, 2000));
    assert!(
        bytes.len() > 50_000,
        "a blank page compresses to less: {} bytes",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("PEAKEND_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

#[test]
fn chromium_filters_by_resolution_effort_and_queue() {
    let Some(bin) = chromium() else {
        eprintln!("browser test skipped: no chromium on PATH (Debian: apt-get install chromium; .ci/run does it)");
        return;
    };
    let c = TestCommand::new(&[]);
    let mut s = TestCommand::new(&["score", "-q", "-o"]);
    s.arg(c.path("ix.csv")).arg("--turns").arg(c.path("t.csv"));
    s.arg(crate::util::data("examples/calls_timed.csv"));
    s.stdout();
    // A queue column, as `score --keep queue` carries it: tc-01 and tc-02
    // in billing, the others in tech.
    let ix = std::fs::read_to_string(c.path("ix.csv")).unwrap();
    let with_queue: String = ix
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let q = match i {
                0 => "queue",
                1 | 2 => "billing",
                _ => "tech",
            };
            format!("{l},{q}\n")
        })
        .collect();
    let ixq = c.file("ixq.csv", with_queue);
    let page = c.path("report.html");
    let mut r = TestCommand::new(&["report", "-q", "-o"]);
    r.arg(&page).arg(&ixq).arg("--turns").arg(c.path("t.csv"));
    r.stdout();
    // Each filter alone, then together, read from the shown count.
    let html = std::fs::read_to_string(&page).unwrap();
    let probe = r#"<script>
      var f = document.getElementById('filters'), out = [];
      function set(name, v) { var e = f.elements[name]; if (e.type === 'checkbox') e.checked = v; else e.value = v;
        f.dispatchEvent(new Event('change', {bubbles: true})); out.push(name + '=' + v + ': ' + document.getElementById('shown').textContent); }
      set('resolved', 'no'); set('resolved', ''); set('hard', true); set('hard', false);
      set('queue', 'billing'); set('resolved', 'no');
      document.body.setAttribute('data-probe', out.join(' / '));
    </script></body>"#;
    let probed = c.path("probe.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = run_chromium(&bin, profile.path(), &["--dump-dom".into(), url(&probed)]);
    let want = "resolved=no: Showing 2 of 4 interactions drawn / resolved=: Showing 4 of 4 \
                interactions drawn / hard=true: Showing 2 of 4 interactions drawn / hard=false: \
                Showing 4 of 4 interactions drawn / queue=billing: Showing 2 of 4 interactions \
                drawn / resolved=no: Showing 1 of 4 interactions drawn";
    assert!(
        dom.contains(&format!("data-probe=\"{want}\"")),
        "{}",
        &dom[..dom.find("<main").unwrap_or(0)]
    );
}
