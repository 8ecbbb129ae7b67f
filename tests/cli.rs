//! End-to-end tests of the `passread` command: real process, real files, real exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const TD3: [&str; 2] = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

fn passread(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passread")).args(args).output().unwrap()
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("passread-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn parse_mrz_prints_result_and_checks() {
    let out = passread(&["parse-mrz", TD3[0], TD3[1]]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out.stdout);
    assert_eq!(v["result"]["surname"], "ERIKSSON");
    assert_eq!(v["result"]["given_name"], "ANNA MARIA");
    assert_eq!(v["result"]["date_of_birth"], "1974-08-12");
    assert_eq!(v["result"]["machine_code2"], TD3[1]);
    assert_eq!(v["result"]["extra_info"], serde_json::json!({}));
    assert_eq!(v["format"], "TD3");
    for check in ["document_number", "date_of_birth", "date_of_expiry", "personal_number", "composite"] {
        assert_eq!(v["checks"][check], true, "{check}");
    }
}

#[test]
fn parse_mrz_reads_stdin_and_flags_failing_checks() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passread"))
        .arg("parse-mrz")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let bad = TD3[1].replace("7408122", "7408123");
    write!(child.stdin.take().unwrap(), "{}\n{}\n", TD3[0], bad).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out.stdout);
    assert_eq!(v["checks"]["date_of_birth"], false);
    assert_eq!(v["checks"]["document_number"], true);
    assert!(v["result"]["confidence"]["date_of_birth"].as_f64().unwrap() < 0.5);
}

#[test]
fn parse_mrz_rejects_non_mrz() {
    let out = passread(&["parse-mrz", "HELLO", "WORLD"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out.stdout)["error_code"], "AIS.0105");
}

#[test]
fn recognize_answers_in_api_shape_per_file() {
    let dir = temp_dir("recognize");
    let png = dir.join("blank.png");
    image::DynamicImage::new_luma8(200, 100).save(&png).unwrap();
    let tiny = dir.join("tiny.png");
    image::DynamicImage::new_luma8(10, 10).save(&tiny).unwrap();
    let text = dir.join("notes.jpg");
    std::fs::write(&text, "not an image").unwrap();
    let missing = dir.join("missing.png");
    let out = passread(&["recognize", png.to_str().unwrap(), tiny.to_str().unwrap(), text.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| json(l.as_bytes())).collect();
    let codes: Vec<&str> = lines.iter().map(|v| v["error_code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["AIS.0104", "AIS.0103", "AIS.0102", "AIS.0101"]);
    assert_eq!(lines[1]["error_msg"], "The image size does not meet the requirements.");
}

#[test]
fn recognize_out_dir_writes_one_file_per_image() {
    let dir = temp_dir("outdir");
    let png = dir.join("page.png");
    image::DynamicImage::new_luma8(64, 64).save(&png).unwrap();
    let out_dir = dir.join("out");
    let out = passread(&["recognize", "--country-code", "GENERAL", "--out-dir", out_dir.to_str().unwrap(), png.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read(out_dir.join("page.png.json")).unwrap();
    assert_eq!(json(&written)["error_code"], "AIS.0104");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(passread(&["recognize"]).status.code(), Some(2));
    assert_eq!(passread(&["recognize", "--country-code", "XYZ", "a.png"]).status.code(), Some(2));
    assert_eq!(passread(&["no-such-command"]).status.code(), Some(2));
}
