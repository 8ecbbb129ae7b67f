//! Where the reader loses a generated page: in locating its zone, or in reading it.
//!
//! `cargo run --release --example zone_oracle -- DIR [--list]` reads a generator directory
//! (`truth.jsonl`). For every document it builds the zone the generator drew (from the scene's
//! `mrz_quad` and the layout's character height and line pitch), reads it with the reader's own
//! strips, recognizer and repair (`Engine::read_zone_settled`, as `read` reads each zone), and
//! checks whether any zone the locator found is that zone. Per difficulty it prints: documents,
//! the locator finding the drawn zone, the drawn zone reading exactly (an upper bound for a
//! perfect locator), and the reader's own exact rate (`Engine::read`). With `--list`, one
//! line per document the reader misses: located or not, and what the drawn zone reads; with
//! `--text` also its lines as read under the truth; with `--geometry` the drawn and the located
//! zones' lines.

use std::collections::BTreeMap;

use passread::eval::drawn_zone;
use passread::Engine;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else { return Err("usage: zone_oracle DIR [--list]".into()) };
    let list = args.iter().any(|a| a == "--list");
    let dir = std::path::Path::new(dir);
    let engine = Engine::new()?;
    // difficulty -> (documents, located, drawn zone exact, reader exact)
    let mut tally: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for line in std::fs::read_to_string(dir.join("truth.jsonl"))?.lines() {
        let t: serde_json::Value = serde_json::from_str(line)?;
        let Some(mrz) = t["mrz"].as_array() else { continue };
        let mrz: Vec<&str> = mrz.iter().filter_map(|v| v.as_str()).collect();
        let scene = &t["scene"];
        let Some(drawn) = drawn_zone(scene, mrz.len(), mrz[0].len()) else { continue };
        let file = t["file"].as_str().unwrap_or("");
        let difficulty = t["difficulty"].as_str().unwrap_or("?").to_string();
        let row = tally.entry(difficulty.clone()).or_default();
        row[0] += 1;
        let Ok(img) = passread::input::read_file(&dir.join(file)) else { continue };
        let p = engine.prepare(&img);
        let zones = engine.locate(&p);
        let located = zones.iter().any(|z| z.same_as(&drawn));
        if args.iter().any(|a| a == "--geometry") {
            println!("{file} drawn: {:?}", drawn.lines);
            for z in zones.iter().filter(|z| z.same_as(&drawn)) {
                println!("{file} located: {:?}", z.lines);
            }
        }
        let reading = engine.read_zone_settled(&p, &drawn)?;
        let drawn_text: Vec<String> =
            reading.as_ref().map(|r| r.repaired.document.lines.iter().map(|l| l.to_string()).collect()).unwrap_or_default();
        let drawn_exact = drawn_text.len() == mrz.len()
            && drawn_text.iter().zip(&mrz).all(|(a, b)| a == b)
            && reading.as_ref().is_some_and(|r| r.acceptable());
        let own = engine.read(&p).ok().map(|r| r.repaired.document.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        let own_exact = own.as_ref().is_some_and(|o| o.len() == mrz.len() && o.iter().zip(&mrz).all(|(a, b)| a == b));
        row[1] += usize::from(located);
        row[2] += usize::from(drawn_exact);
        row[3] += usize::from(own_exact);
        if list && !own_exact {
            let char_px = scene["layout"]["mrz"]["char_h_mm"].as_f64().unwrap_or(0.0) * scene["page_ppm"].as_f64().unwrap_or(0.0);
            let blur = scene["blur_sigma_px"].as_f64().unwrap_or(0.0);
            let motion = scene["motion_blur_len_px"].as_f64().unwrap_or(0.0);
            let noise = scene["noise_sigma"].as_f64().unwrap_or(0.0);
            println!(
                "{file} {difficulty}: located {located}, drawn zone {} (char {:.1} px, blur {blur:.1}, motion {motion:.1}, noise {noise:.0})",
                if drawn_exact { "reads" } else if reading.is_some() { "misread" } else { "unread" },
                char_px,
            );
            if args.iter().any(|a| a == "--text") {
                for (got, want) in drawn_text.iter().zip(&mrz) {
                    println!("    {got}\n    {want}");
                }
            }
        }
    }
    println!("difficulty  docs  located  drawn-zone-exact  reader-exact");
    for (d, [n, l, o, e]) in &tally {
        println!("{d:<10} {n:>5} {l:>8} {o:>17} {e:>13}");
    }
    Ok(())
}
