//! The committed fixtures' truth is itself correct: every truth MRZ passes its check digits and
//! parses to exactly the expected MRZ-shaped result, and every expected result is valid API JSON.

use std::path::Path;

use passread::mrz::{Document, Ymd};
use passread::result::{mrz_result, Response};
use serde_json::Value;

/// The day the fixtures were generated; dates are read relative to it.
const FIXTURE_DAY: Ymd = Ymd::new(2026, 11, 30);

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// An expected result (truth has no confidence) as an API response body.
fn as_response(expected: &Value) -> Response {
    let mut v = expected.clone();
    if let Some(r) = v.get_mut("result").and_then(Value::as_object_mut) {
        r.insert("confidence".into(), serde_json::json!({}));
    }
    // Truth names the error code only; the message is the code's.
    if let Some(code) = expected.get("error_code").and_then(Value::as_str) {
        let code = passread::ApiErrorCode::from_code(code).unwrap_or_else(|| panic!("unknown error code {code}"));
        v["error_msg"] = code.message().into();
    }
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("not API JSON: {e}: {v}"))
}

fn check_mrz_against(mrz: &[Value], expected_mrz_shape: &Value, what: &str) {
    let lines: Vec<&str> = mrz.iter().map(|l| l.as_str().unwrap()).collect();
    let doc = Document::parse(&lines, FIXTURE_DAY).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(doc.is_valid(), "{what}: checks {:?}", doc.checks);
    let mut ours = serde_json::to_value(mrz_result(&doc, None)).unwrap();
    ours.as_object_mut().unwrap().remove("confidence");
    assert_eq!(&ours, expected_mrz_shape, "{what}");
}

#[test]
fn still_truth_is_consistent() {
    let text = std::fs::read_to_string(fixtures().join("stills/truth.jsonl")).unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let t: Value = serde_json::from_str(line).unwrap();
        let file = t["file"].as_str().unwrap();
        assert!(fixtures().join("stills").join(file).exists(), "{file} missing");
        let response = as_response(&t["expected"]);
        if t["kind"] == "negative" {
            assert!(!response.is_ok(), "{file}");
            continue;
        }
        let mrz = t["mrz"].as_array().unwrap();
        let mrz_shape = if t["kind"] == "chn" { &t["expected_general"]["result"] } else { &t["expected"]["result"] };
        if t["kind"] == "chn" {
            as_response(&t["expected_general"]);
            // The full body is the Chinese shape, the Chinese text included.
            match &response {
                Response::Ok { result: passread::PassportResult::Chinese(r) } => {
                    let local = r.extra_info.local_language.as_ref().unwrap_or_else(|| panic!("{file}: no local_language"));
                    assert!(local.name.as_deref().is_some_and(|n| !n.is_empty()), "{file}");
                }
                other => panic!("{file}: expected the Chinese shape, got {other:?}"),
            }
            let lines: Vec<&str> = mrz.iter().map(|l| l.as_str().unwrap()).collect();
            assert!(Document::parse(&lines, FIXTURE_DAY).unwrap().is_chinese_mainland_passport(), "{file}");
        }
        check_mrz_against(mrz, mrz_shape, file);
        n += 1;
    }
    assert!(n >= 30, "only {n} documents");
}

#[test]
fn sequence_truth_is_consistent() {
    let dir = fixtures().join("sequences");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let seq = entry.unwrap().path();
        let manifest: Value = serde_json::from_str(&std::fs::read_to_string(seq.join("manifest.json")).unwrap()).unwrap();
        let frames = manifest["frames"].as_array().unwrap();
        for f in frames {
            assert!(seq.join(f["file"].as_str().unwrap()).exists());
        }
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(seq.join("truth.json")).unwrap()).unwrap();
        assert_eq!(truth["frames"].as_array().unwrap().len(), frames.len());
        for p in truth["presentations"].as_array().unwrap() {
            let what = format!("{}", seq.display());
            let mrz = p["mrz"].as_array().unwrap();
            let general = if p.get("result_general").is_some() { &p["result_general"] } else { &p["result"] };
            check_mrz_against(mrz, general, &what);
            as_response(&serde_json::json!({ "result": p["result"] }));
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} presentations");
}
