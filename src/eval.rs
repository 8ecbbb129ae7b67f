//! Accuracy evaluation against a generated set (`truth.jsonl` from `tools/synth`): per-field
//! accuracy, whole-document and MRZ-line exact rates, split by difficulty, rotation, document
//! kind and blur (per difficulty), and false readings on negatives.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::error::Error;
use crate::pipeline::{Engine, Mode};
use crate::result::{PassportResult, Response};

/// The fields compared for MRZ-shaped results.
pub const MRZ_FIELDS: [&str; 9] =
    ["country_code", "surname", "given_name", "passport_number", "date_of_birth", "sex", "date_of_expiry", "machine_code", "machine_code2"];

#[derive(Default, Debug, Clone, serde::Serialize)]
pub struct Tally {
    pub documents: usize,
    pub exact: usize,
    pub lines: usize,
    pub lines_exact: usize,
    pub fields: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    fn rate(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }
    pub fn exact_rate(&self) -> f64 {
        Self::rate(self.exact, self.documents)
    }
    pub fn line_rate(&self) -> f64 {
        Self::rate(self.lines_exact, self.lines)
    }
}

/// The whole report.
#[derive(Default, Debug, Clone, serde::Serialize)]
pub struct Report {
    pub all: Tally,
    pub by_difficulty: BTreeMap<String, Tally>,
    pub by_kind: BTreeMap<String, Tally>,
    pub by_rotation: BTreeMap<String, Tally>,
    /// By difficulty and the blur's s.d. over the zone's character height ([`blur_bucket`]):
    /// where the print stops carrying its characters.
    pub by_blur: BTreeMap<String, Tally>,
    pub negatives: usize,
    /// Negatives answered with a result.
    pub false_readings: usize,
    /// Negatives answered with another error code than the truth's.
    pub negative_code_mismatches: usize,
    /// Results with a field whose value is wrong but whose confidence is ≥ 0.5.
    pub confident_wrong_fields: usize,
    /// Fields of MRZ-shaped results read right but reported with confidence < 0.5 (what the
    /// caution of the confidences costs), and all right fields with a confidence.
    pub unsure_right_fields: usize,
    pub right_fields: usize,
    /// Results whose check digits fail but are reported with confidence ≥ 0.5.
    pub confident_failing_checks: usize,
    pub errors_by_code: BTreeMap<String, usize>,
    /// Chinese full read (`--chinese-full`): per field (the 13 and `local_language.*`), how many
    /// were reported with confidence ≥ 0.9 and how many of those were wrong.
    pub chinese_confident: BTreeMap<String, (usize, usize)>,
    /// Chinese documents answered in the Chinese shape.
    pub chinese_shape: usize,
    pub chinese_documents: usize,
    pub median_ms: f64,
    pub failures: Vec<String>,
}

fn rotation_bucket(scene: &Value) -> String {
    let r = scene.get("rotation_deg").and_then(Value::as_f64).unwrap_or(0.0).rem_euclid(360.0);
    let b = ((r + 22.5) / 45.0).floor() as i64 % 8 * 45;
    format!("{b:03}°")
}

/// The image's blur (the Gaussian's s.d. and the motion's, a box of `motion_blur_len_px` has
/// s.d. len/√12) over the drawn zone's character height ([`drawn_zone`]): below 0.10, in bands
/// of 0.05 to 0.25, and above. OCR-B's strokes are about 0.1 character heights wide and as far
/// apart: from about 0.2 the blur merges them, and the characters are gone from the image.
fn blur_bucket(scene: &Value, mrz: &[&str]) -> Option<String> {
    let zone = drawn_zone(scene, mrz.len(), mrz.first()?.len())?;
    let height = zone.lines.iter().map(|l| l.height).sum::<f32>() / zone.lines.len() as f32;
    let px = |k: &str| scene.get(k).and_then(Value::as_f64).unwrap_or(0.0) as f32;
    let blur = (px("blur_sigma_px").powi(2) + px("motion_blur_len_px").powi(2) / 12.0).sqrt() / height.max(1.0);
    let edges = [0.10f32, 0.15, 0.20, 0.25];
    Some(match edges.iter().position(|&e| blur < e) {
        Some(0) => "0.00-0.10".to_owned(),
        Some(i) => format!("{:.2}-{:.2}", edges[i - 1], edges[i]),
        None => ">= 0.25".to_owned(),
    })
}

/// Evaluates every image listed in `dir/truth.jsonl`. Chinese mainland documents are compared in
/// their MRZ shape (`expected_general`) unless `chinese_full` is set.
pub fn evaluate(engine: &Engine, dir: &Path, chinese_full: bool, limit: Option<usize>) -> Result<Report, Error> {
    let io = |source| Error::Io { path: dir.display().to_string(), source };
    let truth = std::fs::read_to_string(dir.join("truth.jsonl")).map_err(io)?;
    let mut report = Report::default();
    let mut times = Vec::new();
    for line in truth.lines().filter(|l| !l.trim().is_empty()).take(limit.unwrap_or(usize::MAX)) {
        let t: Value = serde_json::from_str(line).map_err(|e| Error::InvalidParameter(format!("truth.jsonl: {e}")))?;
        let file = t["file"].as_str().unwrap_or_default();
        let kind = t["kind"].as_str().unwrap_or("?").to_owned();
        let start = Instant::now();
        // Without `chinese_full`, Chinese pages are read MRZ-only (GENERAL), as the MRZ figures
        // are about the zone; with it, every page in automatic mode.
        let mode = if kind == "chn" && !chinese_full { Mode::General } else { Mode::Auto };
        let outcome = crate::input::read_file(&dir.join(file)).and_then(|img| engine.recognize(&img, mode));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if let Err(e) = &outcome {
            *report.errors_by_code.entry(e.api_code().code().to_owned()).or_default() += 1;
        }
        if kind == "negative" {
            report.negatives += 1;
            match &outcome {
                Ok(_) => {
                    report.false_readings += 1;
                    report.failures.push(format!("{file}: negative read as a document"));
                }
                Err(e) if Some(e.api_code().code()) != t["expected"]["error_code"].as_str() => {
                    report.negative_code_mismatches += 1;
                    report.failures.push(format!("{file}: negative gave {} not {}", e.api_code().code(), t["expected"]["error_code"]));
                }
                Err(_) => {}
            }
            continue;
        }
        let expected = if kind == "chn" && !chinese_full { &t["expected_general"]["result"] } else { &t["expected"]["result"] };
        let got = match &outcome {
            Ok(r) => serde_json::to_value(Response::Ok { result: r.clone() }).unwrap_or_default()["result"].clone(),
            Err(_) => Value::Null,
        };
        let chinese = kind == "chn" && chinese_full;
        let (got, expected) = if chinese { (flatten_local(&got), flatten_local(expected)) } else { (got, expected.clone()) };
        let (got, expected) = (&got, &expected);
        let fields: Vec<&str> = match expected.as_object() {
            Some(o) => o.keys().map(String::as_str).filter(|k| *k != "extra_info").collect(),
            None => MRZ_FIELDS.to_vec(),
        };
        let exact = fields.iter().all(|f| got.get(*f) == expected.get(*f)) && got.is_object();
        if chinese {
            report.chinese_documents += 1;
            if let Ok(PassportResult::Chinese(r)) = &outcome {
                report.chinese_shape += 1;
                for f in &fields {
                    let key = local_confidence_key(f);
                    if r.confidence.get(key).is_some_and(|c| c >= 0.9) {
                        let e = report.chinese_confident.entry((*f).to_owned()).or_default();
                        e.0 += 1;
                        e.1 += usize::from(got.get(*f) != expected.get(*f));
                    }
                }
            }
        }
        let mrz: Vec<&str> = t["mrz"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let got_lines: Vec<Option<&str>> =
            ["machine_code", "machine_code2", "machine_code3"].iter().map(|k| got.get(*k).and_then(Value::as_str)).collect();
        let lines_exact = mrz.iter().zip(&got_lines).filter(|(a, b)| Some(**a) == **b).count();
        let difficulty = t["difficulty"].as_str().unwrap_or("?");
        let buckets = [
            Some("all".to_owned()),
            Some(format!("d:{difficulty}")),
            Some(format!("k:{kind}")),
            Some(format!("r:{}", rotation_bucket(&t["scene"]))),
            blur_bucket(&t["scene"], &mrz).map(|b| format!("b:{difficulty:<6} {b}")),
        ];
        for b in buckets.into_iter().flatten() {
            let tally = match b.split_once(':') {
                Some(("d", k)) => report.by_difficulty.entry(k.to_owned()).or_default(),
                Some(("k", k)) => report.by_kind.entry(k.to_owned()).or_default(),
                Some(("r", k)) => report.by_rotation.entry(k.to_owned()).or_default(),
                Some(("b", k)) => report.by_blur.entry(k.to_owned()).or_default(),
                _ => &mut report.all,
            };
            tally.documents += 1;
            tally.exact += usize::from(exact);
            tally.lines += mrz.len();
            tally.lines_exact += lines_exact;
            for f in &fields {
                let e = tally.fields.entry((*f).to_owned()).or_default();
                e.1 += 1;
                e.0 += usize::from(got.get(*f) == expected.get(*f));
            }
        }
        if let Ok(PassportResult::Mrz(r)) = &outcome {
            for f in &fields {
                if got.get(*f) != expected.get(*f) && r.confidence.get(f).is_some_and(|c| c >= 0.5) {
                    report.confident_wrong_fields += 1;
                }
                if got.get(*f) == expected.get(*f) {
                    if let Some(c) = r.confidence.get(f) {
                        report.right_fields += 1;
                        report.unsure_right_fields += usize::from(c < 0.5);
                    }
                }
            }
            let lines: Vec<&str> = [Some(r.machine_code.as_str()), Some(r.machine_code2.as_str()), r.machine_code3.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if let Ok(doc) = crate::mrz::Document::parse(&lines, engine.today()) {
                if !doc.checks_hold() && r.confidence.min() >= 0.5 {
                    report.confident_failing_checks += 1;
                }
            }
        }
        if !exact {
            let why = match &outcome {
                Err(e) => format!("{} {e}", e.api_code().code()),
                Ok(result) => {
                    let wrong: Vec<&str> = fields.iter().copied().filter(|f| got.get(*f) != expected.get(*f)).collect();
                    // The wrong fields reported at 0.5 or more: the ones that matter most.
                    let confident: Vec<&str> = match result {
                        PassportResult::Mrz(r) => {
                            wrong.iter().copied().filter(|f| r.confidence.get(f).is_some_and(|c| c >= 0.5)).collect()
                        }
                        _ => Vec::new(),
                    };
                    if confident.is_empty() {
                        format!("wrong {wrong:?}")
                    } else {
                        format!("wrong {wrong:?}, confidently {confident:?}")
                    }
                }
            };
            report.failures.push(format!("{file} ({kind} {}): {why}", t["difficulty"].as_str().unwrap_or("?")));
        }
    }
    times.sort_by(f64::total_cmp);
    report.median_ms = times.get(times.len() / 2).copied().unwrap_or(0.0);
    Ok(report)
}

/// A Chinese result with `extra_info.local_language.X` lifted to top-level `local_language.X`
/// keys (so each is compared as a field).
fn flatten_local(v: &Value) -> Value {
    let mut out = v.clone();
    if let Some(o) = out.as_object_mut() {
        let local = o.get("extra_info").and_then(|e| e.get("local_language")).cloned();
        if let Some(Value::Object(l)) = local {
            for k in ["name", "sex", "place_of_birth", "place_of_issue", "issuing_authority", "nationality"] {
                o.insert(format!("local_language.{k}"), l.get(k).cloned().unwrap_or(Value::Null));
            }
        }
        o.remove("confidence");
    }
    out
}

/// The confidence key that covers a (flattened) Chinese field: the API's `confidence` has the
/// 13 fields; each Chinese text is covered by its field's (the name by the surname's, which the
/// reader lowers with the hanzi name's).
pub fn local_confidence_key(field: &str) -> &str {
    match field {
        "local_language.name" => "surname",
        "local_language.sex" => "sex",
        "local_language.place_of_birth" => "place_of_birth",
        "local_language.place_of_issue" => "place_of_issue",
        "local_language.issuing_authority" => "issuing_authority",
        "local_language.nationality" => "nationality",
        f => f,
    }
}

fn tally_text(name: &str, t: &Tally) -> String {
    format!(
        "{name:<17} docs {:>5}  exact {:>6.2}%  lines {:>6.2}%",
        t.documents,
        100.0 * t.exact_rate(),
        100.0 * t.line_rate()
    )
}

impl Report {
    /// A human-readable summary.
    pub fn text(&self) -> String {
        let mut out = vec![tally_text("all", &self.all)];
        for (title, group) in [
            ("difficulty", &self.by_difficulty),
            ("kind", &self.by_kind),
            ("rotation", &self.by_rotation),
            ("difficulty and blur (s.d. / character height)", &self.by_blur),
        ] {
            out.push(format!("by {title}:"));
            for (k, t) in group {
                out.push(format!("  {}", tally_text(k, t)));
            }
        }
        out.push("per field:".into());
        for (f, (ok, n)) in &self.all.fields {
            out.push(format!("  {f:<18} {:>6.2}% ({ok}/{n})", 100.0 * *ok as f64 / (*n).max(1) as f64));
        }
        out.push(format!(
            "negatives {}: false readings {}, other error code {}",
            self.negatives, self.false_readings, self.negative_code_mismatches
        ));
        out.push(format!(
            "wrong fields with confidence >= 0.5: {}; failing check digits with confidence >= 0.5: {}",
            self.confident_wrong_fields, self.confident_failing_checks
        ));
        out.push(format!("right fields with confidence < 0.5: {} of {}", self.unsure_right_fields, self.right_fields));
        if self.chinese_documents > 0 {
            out.push(format!(
                "Chinese documents {}: answered in the Chinese shape {}",
                self.chinese_documents, self.chinese_shape
            ));
            out.push("Chinese fields with confidence >= 0.9: reported, wrong (share of Chinese documents)".into());
            for (f, (n, wrong)) in &self.chinese_confident {
                out.push(format!(
                    "  {f:<32} {n:>5} {wrong:>4} ({:.2}%)",
                    100.0 * *wrong as f64 / self.chinese_documents.max(1) as f64
                ));
            }
        }
        out.push(format!("errors by code: {:?}", self.errors_by_code));
        out.push(format!("median time per image: {:.1} ms", self.median_ms));
        out.join("\n")
    }
}

/// The zone the generator drew, from a document's `scene` in `truth.jsonl`: its `mrz_quad`
/// (the box's corners in image pixels: left top, right top, right bottom, left bottom, from the
/// first line's cap tops to the last line's baseline) and the layout's character height and line
/// pitch (`layout.mrz`, mm), for `lines` lines of `chars` characters. The zone a perfect locator
/// would give: diagnostics (`examples/zone_oracle`) and training strips (`examples/dump_strips`)
/// use it where the locator misses. `None` when the scene lacks these.
pub fn drawn_zone(scene: &Value, lines: usize, chars: usize) -> Option<crate::locate::Zone> {
    let quad: Vec<(f32, f32)> = scene["mrz_quad"]
        .as_array()?
        .iter()
        .map(|p| Some((p[0].as_f64()? as f32, p[1].as_f64()? as f32)))
        .collect::<Option<_>>()?;
    let m = &scene["layout"]["mrz"];
    let (char_h, pitch) = (m["char_h_mm"].as_f64()? as f32, m["line_pitch_mm"].as_f64()? as f32);
    if quad.len() != 4 || lines == 0 || chars == 0 {
        return None;
    }
    let at = |u: f32, v: f32| {
        let top = (quad[0].0 + u * (quad[1].0 - quad[0].0), quad[0].1 + u * (quad[1].1 - quad[0].1));
        let bottom = (quad[3].0 + u * (quad[2].0 - quad[3].0), quad[3].1 + u * (quad[2].1 - quad[3].1));
        (top.0 + v * (bottom.0 - top.0), top.1 + v * (bottom.1 - top.1))
    };
    let height_mm = (lines - 1) as f32 * pitch + char_h;
    // A glyph's ink starts about 0.3 mm into its 2.54 mm cell.
    let u0 = 0.3 / (chars as f32 * 2.54);
    let geoms = (0..lines)
        .map(|i| {
            let vc = (char_h / 2.0 + i as f32 * pitch) / height_mm;
            let dv = char_h / 2.0 / height_mm;
            let (x0, y0) = at(u0, vc);
            let (x1, y1) = at(1.0 - u0, vc);
            let (a, b) = (at(0.5, vc - dv), at(0.5, vc + dv));
            let height = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            crate::rectify::LineGeom { x0, y0, x1, y1, height, bow: 0.0 }
        })
        .collect();
    Some(crate::locate::Zone { lines: geoms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drawn_zone_puts_each_line_at_its_pitch_inside_the_box() {
        // An upright two-line box, 10 px/mm: 44 cells of 2.54 mm, char 2.0 mm, pitch 4.0 mm.
        let scene = serde_json::json!({
            "mrz_quad": [[100.0, 50.0], [1217.6, 50.0], [1217.6, 110.0], [100.0, 110.0]],
            "layout": {"mrz": {"char_h_mm": 2.0, "line_pitch_mm": 4.0}}
        });
        let zone = drawn_zone(&scene, 2, 44).unwrap();
        assert_eq!(zone.lines.len(), 2);
        let (a, b) = (&zone.lines[0], &zone.lines[1]);
        // Line 1's middle is a half character below the box's top, line 2 a pitch lower.
        assert!((a.y0 - 60.0).abs() < 0.01 && (a.y1 - 60.0).abs() < 0.01, "{a:?}");
        assert!((b.y0 - 100.0).abs() < 0.01, "{b:?}");
        assert!((a.height - 20.0).abs() < 0.01);
        // The ends sit 0.3 mm inside the box.
        assert!((a.x0 - 103.0).abs() < 0.01 && (a.x1 - 1214.6).abs() < 0.01, "{a:?}");
        // A scene without the box gives none.
        assert!(drawn_zone(&serde_json::json!({}), 2, 44).is_none());
    }

    #[test]
    fn blur_is_measured_in_character_heights() {
        // Characters 20 px tall (the box above).
        let scene = |sigma: f64, motion: f64| {
            serde_json::json!({
                "mrz_quad": [[100.0, 50.0], [1217.6, 50.0], [1217.6, 110.0], [100.0, 110.0]],
                "layout": {"mrz": {"char_h_mm": 2.0, "line_pitch_mm": 4.0}},
                "blur_sigma_px": sigma, "motion_blur_len_px": motion
            })
        };
        let mrz = ["P<UTO".repeat(9), "L898902C36".repeat(5)];
        let mrz: Vec<&str> = mrz.iter().map(|s| &s[..44]).collect();
        assert_eq!(blur_bucket(&scene(1.0, 0.0), &mrz).as_deref(), Some("0.00-0.10"));
        assert_eq!(blur_bucket(&scene(2.5, 0.0), &mrz).as_deref(), Some("0.10-0.15"));
        // 3 px of s.d. and 12 px of motion (s.d. 3.46): 4.58 px, 0.23 heights.
        assert_eq!(blur_bucket(&scene(3.0, 12.0), &mrz).as_deref(), Some("0.20-0.25"));
        assert_eq!(blur_bucket(&scene(6.0, 0.0), &mrz).as_deref(), Some(">= 0.25"));
        assert_eq!(blur_bucket(&serde_json::json!({}), &mrz), None);
    }
}
