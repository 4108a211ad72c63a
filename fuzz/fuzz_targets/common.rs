//! Shared by the reader targets: read arbitrary bytes through the whole
//! pipeline (reader, engine, output formatting) and check that the only
//! errors are clean ones.

use std::sync::OnceLock;

use peakend::pipeline::{self, Format, Outputs, Reader, Rejects};
use peakend::{Engine, ErrorKind, LangChoice, Scratch};

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(LangChoice::Auto, None, Default::default(), Default::default()).unwrap())
}

/// The first byte chooses the options: bit 0 `--rejects`, bit 1
/// `--group-unsorted`, bits 2-3 the delimiter (detected, `;`, tab, `,`).
pub fn run(data: &[u8], format: Format) {
    let Some((&options, input)) = data.split_first() else { return };
    let reader = |rejects: Option<&Rejects>| {
        let delimiter = [None, Some(b';'), Some(b'\t'), Some(b',')][usize::from(options >> 2 & 3)];
        let reader = Reader::from_bytes(input, format).delimiter(delimiter).group_unsorted(options & 2 != 0);
        match rejects {
            Some(r) => reader.rejects(r.clone()),
            None => reader,
        }
    };
    let rejects = (options & 1 != 0).then(Rejects::in_memory);
    // The reader and the engine, one interaction at a time.
    let mut one = reader(rejects.as_ref());
    let mut scratch = Scratch::default();
    let err = loop {
        match one.next_interaction() {
            Ok(Some(ix)) => {
                let scored = engine().score(&ix, &mut scratch);
                let s = &scored.summary;
                for v in [s.experienced, s.peak, s.end, s.remembered].into_iter().flatten() {
                    assert!((-1.0..=1.0).contains(&v), "{v} out of range");
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    let rejected = rejects.as_ref().map_or(0, Rejects::count);
    assert_eq!(one.warnings().rejected, rejected);
    if let (Some(e), Some(_)) = (err, &rejects) {
        // With --rejects only whole-file problems stop the run.
        let msg = e.to_string();
        let whole_file = matches!(e.kind(), ErrorKind::MissingColumn { .. })
            || msg.contains("the file is empty")
            || msg.contains("in the header")
            || msg.contains("this looks like JSON, not CSV");
        assert!(whole_file, "with --rejects a row problem stopped the run: {msg}");
    }
    // The whole batch, output formatting included: an error is fine, a
    // panic is not.
    let rejects = (options & 1 != 0).then(Rejects::in_memory);
    let out = Outputs::create(Some("/dev/null".as_ref()), Some("/dev/null".as_ref())).unwrap();
    let _ = pipeline::run(reader(rejects.as_ref()), engine(), out, 1, &|_| {});
}
