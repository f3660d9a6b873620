//! Batches: bad records never stop a batch, replays are flagged, input
//! forms (JSON Lines, arrays, wrapped records), and order on many records.

use crate::support::{cli, json_lines, TestKey};

fn tamper(envelope: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(envelope).unwrap();
    let ct = v["ct"].as_str().unwrap().to_owned();
    let mid = ct.len() / 2;
    let flipped = if &ct[mid..=mid] == "A" { "B" } else { "A" };
    v["ct"] = format!("{}{flipped}{}", &ct[..mid], &ct[mid + 1..]).into();
    serde_json::to_string(&v).unwrap()
}

#[test]
fn a_tampered_line_in_the_middle_fails_alone_and_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let mut lines: Vec<String> = (1..=5)
        .map(|i| key.seal(&[("n", &i.to_string())]))
        .collect();
    let sid = serde_json::from_str::<serde_json::Value>(&lines[2]).unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    lines[2] = tamper(&lines[2]);
    let run = cli([
        "decrypt",
        "--key",
        key.private.to_str().unwrap(),
        "--format",
        "jsonl",
    ])
    .stdin(lines.join("\n") + "\n")
    .fails(1);
    let records = json_lines(&run.stdout);
    let got: Vec<(u64, &str)> = records
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["fields"]["n"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(1, "1"), (2, "2"), (4, "4"), (5, "5")]);
    assert!(
        run.stderr
            .contains(&format!("error: line 3 (sid {sid}): decryption failed")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[open_failed]"));
    assert!(run
        .stderr
        .contains("4 opened, 1 failed, 0 possible replays"));
}

#[test]
fn a_duplicated_envelope_is_flagged_as_a_possible_replay() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let a = key.seal(&[("n", "1")]);
    let b = key.seal(&[("n", "2")]);
    let run = cli([
        "decrypt",
        "--key",
        key.private.to_str().unwrap(),
        "--format",
        "jsonl",
    ])
    .stdin(format!("{a}\n{b}\n{a}\n"))
    .ok();
    let records = json_lines(&run.stdout);
    assert_eq!(records.len(), 3, "a replay is still output");
    assert!(records[0].get("replay_of_line").is_none());
    assert_eq!(records[2]["replay_of_line"], 1);
    assert!(
        run.stderr.contains("warning: line 3: submission id")
            && run
                .stderr
                .contains("was already seen at line 1: possible replay"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("3 opened, 0 failed, 1 possible replays"));
}

#[test]
fn arrays_wrapped_records_and_pretty_printed_envelopes_open() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let private = key.private.to_str().unwrap();
    let a = key.seal(&[("n", "1")]);
    let b = key.seal(&[("n", "2")]);

    let array = format!("[{a},\n {b}]");
    let out = cli(["decrypt", "--key", private, "--format", "jsonl"])
        .stdin(array)
        .ok()
        .stdout;
    let records = json_lines(&out);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["fields"]["n"], "2");
    assert_eq!(
        records[1]["line"], 2,
        "array elements are numbered by position"
    );

    let wrapped = format!(
        "{{\"received\":\"2025-11-25T08:00:00Z\",\"envelope\":{a}}}\n{{\"envelope\":{b},\"id\":7}}\n"
    );
    let out = cli(["decrypt", "--key", private, "--format", "jsonl"])
        .stdin(wrapped)
        .ok()
        .stdout;
    assert_eq!(json_lines(&out).len(), 2);

    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    let pretty = serde_json::to_string_pretty(&v).unwrap();
    let out = cli(["decrypt", "--key", private, "--format", "jsonl"])
        .stdin(pretty.clone())
        .ok();
    assert_eq!(json_lines(&out.stdout)[0]["fields"]["n"], "1");
    assert!(
        out.stderr.is_empty(),
        "one envelope, opened: nothing on stderr"
    );

    let run = cli(["inspect"]).stdin(pretty).ok();
    assert!(run.stdout.contains("suite     P256-SHA256-A128GCM"));
    assert!(run.stdout.contains(&format!("kid       {}", key.kid())));
}

#[test]
fn inspect_shows_every_header_without_a_key_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let a = key.seal(&[("n", "1")]);
    let input = format!("{a}\n{{\"v\":7}}\n{a}\n");
    let run = cli(["inspect", "--json", "-"]).stdin(input).fails(1);
    let headers = json_lines(&run.stdout);
    assert_eq!(headers.len(), 2);
    let h = &headers[1];
    assert_eq!(h["line"], 3);
    assert_eq!(h["v"], 2);
    assert_eq!(h["kid"], key.kid());
    assert_eq!(h["form"], "order");
    assert_eq!(h["enc_bytes"], 65);
    assert_eq!(h["envelope_bytes"], a.len());
    assert!(h["time"].as_str().unwrap().ends_with('Z'));
    assert!(
        run.stderr
            .contains("error: line 2: unsupported envelope version 7"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 envelopes, 1 unreadable"));
}

#[test]
fn a_batch_of_2000_envelopes_opens_completely_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let n = 2000;
    let input: String = (0..n)
        .map(|i| key.seal(&[("n", &i.to_string()), ("product", "pen")]) + "\n")
        .collect();
    let run = cli([
        "decrypt",
        "--key",
        key.private.to_str().unwrap(),
        "--format",
        "csv",
    ])
    .stdin(input)
    .ok();
    let rows: Vec<&str> = run.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), n + 1, "header and one row per envelope");
    assert_eq!(rows[0], "sid,form,kid,ts,n,product,other_fields");
    for (i, row) in rows[1..].iter().enumerate() {
        assert!(row.ends_with(&format!(",{i},pen,")), "row {i}: {row}");
    }
    assert!(run
        .stderr
        .contains(&format!("{n} opened, 0 failed, 0 possible replays")));
}

#[test]
fn fields_first_seen_after_the_first_chunk_go_to_other_fields() {
    let dir = tempfile::tempdir().unwrap();
    let key = TestKey::new(dir.path(), "k");
    let mut input: String = (0..1024).map(|_| key.seal(&[("a", "1")]) + "\n").collect();
    input.push_str(&key.seal(&[("a", "2"), ("late", "x,y")]));
    let run = cli([
        "decrypt",
        "--key",
        key.private.to_str().unwrap(),
        "--format",
        "csv",
    ])
    .stdin(input)
    .ok();
    let rows: Vec<&str> = run.stdout.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows[0], "sid,form,kid,ts,a,other_fields");
    assert!(
        rows[1025].ends_with(r#",2,"{""late"":""x,y""}""#),
        "{}",
        rows[1025]
    );
}
