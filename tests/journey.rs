//! `peakend journey`: one row per customer from score's per-interaction CSV.

use crate::util::{col, csv_rows, data, TestCommand};

const HEAD: &str = "interaction_id,peak,end,bad_ending,effort,resolved,cust,at,ch\n";

fn journey(input: &str, extra: &[&str]) -> TestCommand {
    let mut c =
        TestCommand::new(&["journey", "-q", "--customer", "cust", "--time", "at"]);
    let path = c.file("ix.csv", input);
    c.arg(path);
    for a in extra {
        c.arg(a);
    }
    c
}

/// `peakend journey` of the bundled example (standard output unless `-o`
/// is added).
pub fn example_journeys() -> TestCommand {
    let mut c = TestCommand::new(&[
        "journey",
        "-q",
        "--customer",
        "customer_id",
        "--time",
        "started_at",
        "--channel",
        "channel",
    ]);
    c.arg(data("examples/journey_interactions.csv"));
    c
}

#[test]
fn bundled_example() {
    let mut c = example_journeys();
    let rows = csv_rows(&c.stdout());
    let h = &rows[0];
    let get = |customer: &str, name: &str| {
        let row = rows.iter().find(|r| r[0] == customer).expect(customer);
        row[col(h, name)].clone()
    };
    assert_eq!(rows.len(), 5);
    assert_eq!(get("C-1001", "channels"), "chat|call|email");
    assert_eq!(get("C-1001", "repeat_contacts"), "2");
    assert_eq!(get("C-1001", "failed_again"), "true");
    assert_eq!(get("C-1001", "failed_again_contacts"), "j-101|j-102|j-103");
    assert_eq!(get("C-1001", "end_contact"), "j-103");
    assert_eq!(get("C-3003", "failed_again"), "false");
    assert_eq!(get("C-3003", "resolved"), "true");
    assert_eq!(get("C-4004", "repeat_contacts"), "0");
}

/// The bundled per-interaction example is what `score --keep` writes for the
/// bundled transcripts today, so the journey example follows the scorer.
#[test]
fn bundled_example_is_the_scorers_output() {
    let mut c = TestCommand::new(&[
        "score",
        "-q",
        "--keep",
        "customer_id,started_at,channel",
        "-o",
        "-",
    ]);
    c.arg(data("examples/journey_transcripts.csv"));
    let want =
        std::fs::read_to_string(data("examples/journey_interactions.csv")).unwrap();
    assert_eq!(
        c.stdout(),
        want,
        "regenerate: peakend score examples/journey_transcripts.csv --keep customer_id,started_at,channel -o examples/journey_interactions.csv"
    );
}

#[test]
fn grouped_input_streams_and_sorts_by_time_within_a_customer() {
    let input = format!(
        "{HEAD}b,-0.5,-0.5,true,0.3,false,k1,2026-03-02,call\n\
         a,0.2,0.2,false,0.1,false,k1,2026-03-01,chat\n\
         c,0.6,0.6,false,,true,k2,1772360130,chat\n"
    );
    let out = journey(&input, &["--channel", "ch"]).stdout();
    eqnice!(
        "cust,contacts,channels,first_contact,last_contact,repeat_contacts,peak,peak_contact,\
         end,end_contact,remembered,effort,resolved,failed_again,failed_again_contacts\n\
         k1,2,chat|call,2026-03-01,2026-03-02,1,-0.5000,b,-0.5000,b,-0.5000,0.6220,false,\
         true,a|b\n\
         k2,1,chat,1772360130,1772360130,0,0.6000,c,0.6000,c,0.6000,,true,false,\n",
        out
    );
}

#[test]
fn ungrouped_input_is_an_error_unless_grouped_in_memory() {
    let input = format!(
        "{HEAD}a,0.1,0.1,false,0,true,k1,2026-03-01,x\n\
         b,0.1,0.1,false,0,true,k2,2026-03-01,x\n\
         c,0.1,0.1,false,0,true,k1,2026-03-09,x\n"
    );
    let err = journey(&input, &[]).fails();
    assert!(err.contains("ix.csv:4") && err.contains("--group-unsorted"), "{err}");
    let rows = csv_rows(&journey(&input, &["--group-unsorted"]).stdout());
    assert_eq!(rows[1][..2], ["k1", "2"]);
    assert_eq!(rows[2][..2], ["k2", "1"]);
    // 8 days apart: a repeat with --repeat-days 8, not with the default 7.
    assert_eq!(rows[1][col(&rows[0], "repeat_contacts")], "0");
    let rows =
        csv_rows(&journey(&input, &["--group-unsorted", "--repeat-days", "8"]).stdout());
    assert_eq!(rows[1][col(&rows[0], "repeat_contacts")], "1");
}

#[test]
fn bad_input_names_the_file_and_line() {
    let cases = [
        (
            format!("{HEAD}a,0.1,0.1,false,0,true,k1,last tuesday,x\n"),
            "ix.csv:2",
            "last tuesday",
        ),
        (format!("{HEAD}a,high,0.1,false,0,true,k1,2026-03-01,x\n"), "ix.csv:2", "peak"),
        (
            format!("{HEAD}a,0.1,0.1,maybe,0,true,k1,2026-03-01,x\n"),
            "ix.csv:2",
            "bad_ending",
        ),
        ("interaction_id,cust,at\na,k1,2026-03-01\n".to_string(), "ix.csv:1", "'peak'"),
        // The report's reader: a figure must be finite.
        (
            format!("{HEAD}a,NaN,0.1,false,0,true,k1,2026-03-01,x\n"),
            "ix.csv:2",
            "peak 'NaN' is not a number",
        ),
        (
            format!("{HEAD}a,0.1,0.1,false,0,yes,k1,2026-03-01,x\n"),
            "ix.csv:2",
            "resolved 'yes' is not true or false",
        ),
    ];
    for (input, place, what) in cases {
        let err = journey(&input, &[]).fails();
        assert!(err.contains(place) && err.contains(what), "{err}");
    }
    // A file saved by Excel (CRLF): the same line, not one short.
    let crlf = format!(
        "{HEAD}a,0.1,0.1,false,0,true,k1,2026-03-01,x\nb,high,0.1,false,0,true,k2,2026-03-02,x\n"
    )
    .replace('\n', "\r\n");
    let err = journey(&crlf, &[]).fails();
    assert!(err.contains("ix.csv:3: peak 'high'"), "{err}");
    let mut c =
        TestCommand::new(&["journey", "nope.csv", "--customer", "c", "--time", "t"]);
    assert_eq!(c.fails().trim(), "peakend: error: nope.csv: input file not found");
    let err = journey(HEAD, &["--channel", "nope"]).fails();
    assert!(err.contains("ix.csv:1"), "{err}");
    assert!(err.contains("no 'nope' column (given by --channel)"), "{err}");
}

#[test]
fn read_as_the_report_reads_it() {
    // One reader for both commands: flags and header names case-insensitive.
    let input = format!(
        "{}a,-0.5,-0.5,TRUE,0.3,False,k1,2026-03-02,call\n",
        HEAD.to_uppercase().replace("CUST", "Cust")
    );
    let mut c =
        TestCommand::new(&["journey", "-q", "--customer", "CUST", "--time", "At"]);
    let path = c.file("ix.csv", input);
    c.arg(path);
    let rows = csv_rows(&c.stdout());
    assert_eq!(rows[0][0], "CUST");
    assert_eq!(rows[1][..2], ["k1", "1"]);
    assert_eq!(rows[1][col(&rows[0], "resolved")], "false");
}
