//! Runs the stages one by one on an image and shows what each produced:
//! `cargo run --example inspect -- IMAGE [OUT_DIR]` prints the candidates, zones and line
//! readings, and writes the search mask, the patches and the strips as PNG files to OUT_DIR.

use passread::locate;
use passread::mrz::Ymd;
use passread::Engine;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: inspect IMAGE [OUT_DIR]")?;
    let out = std::path::PathBuf::from(args.get(2).map_or("/tmp/passread-inspect", String::as_str));
    std::fs::create_dir_all(&out)?;
    let engine = Engine::new()?.with_today(Ymd::today());
    let img = passread::input::read_file(std::path::Path::new(path))?;
    let p = engine.prepare(&img);
    println!("image {}x{}, small {}x{} (factor {})", img.width(), img.height(), p.small.width(), p.small.height(), p.factor);
    println!("exposure: {:?}", engine.check_exposure(&p).err().map(|e| e.to_string()));
    p.small.save(out.join("small.png"))?;
    let mask = locate::search_mask(&p);
    mask.save(out.join("search_mask.png"))?;
    // Every long blob at every closing radius and of the oriented closings, with the shape
    // figures the locator filters on.
    let (w, h) = (mask.width() as usize, mask.height() as usize);
    let long = |b: &locate::blobs::Blob| b.length >= 0.1 * w.max(h) as f32;
    for r in locate::CLOSING_RADII {
        let closed = locate::morph::extreme_filter(&locate::morph::extreme_filter(&mask, r, true), r, false);
        for b in locate::blobs::blobs(closed.as_raw(), w, h, 20).iter().filter(|b| long(b)) {
            println!("radius {r} blob: {}", describe(b));
        }
    }
    for b in locate::oriented::oriented_blobs(&mask, long, &[]) {
        println!("oriented blob: {}", describe(&b));
    }
    let first = locate::candidates(&p);
    let all: Vec<_> = first.iter().copied().chain(locate::oriented_candidates(&p, &first)).collect();
    for (i, b) in all.iter().enumerate() {
        println!(
            "candidate {i}: centre ({:.0},{:.0}) angle {:.1}° length {:.0} width {:.1} fill {:.2}",
            b.cx,
            b.cy,
            b.uy.atan2(b.ux).to_degrees(),
            b.length,
            b.width,
            b.fill()
        );
        let rect = locate::search_rect(&p, b);
        let scale = (1600.0 / rect.length).min(96.0 / (b.width * p.factor as f32).max(1.0)).min(1.0);
        let patch = passread::rectify::sample_rect(
            &p.luma,
            &rect,
            (rect.length * scale).round() as u32,
            (rect.height * scale).round() as u32,
        );
        patch.save(out.join(format!("patch{i}.png")))?;
        let mask = locate::lines::patch_mask(&patch);
        image::GrayImage::from_raw(patch.width(), patch.height(), mask.iter().map(|&m| 255 - m * 255).collect())
            .ok_or("mask size")?
            .save(out.join(format!("mask{i}.png")))?;
        for l in locate::lines::text_lines(&patch) {
            println!(
                "    line x {:.0}..{:.0} y {:.1}/{:.1} h {:.1} bow {:.1} ratio {:.1}",
                l.x_left,
                l.x_right,
                l.y_left,
                l.y_right,
                l.height,
                l.bow,
                l.length() / l.height
            );
        }
    }
    for (zi, zone) in engine.locate(&p).iter().enumerate() {
        println!("zone {zi}: {} lines, h {:.1}, length {:.0}, ratio {:.1}", zone.lines.len(), zone.char_height(), zone.length(), zone.length() / zone.char_height());
        for (di, z) in [zone.clone(), zone.reversed()].iter().enumerate() {
            if let Some(r) = engine.read_zone(&p, z)? {
                println!("  direction {di}: failed checks {}, min p {:.3}", r.failed_checks(), r.min_confidence());
                for l in &r.lines {
                    println!("    {}", l.text);
                }
            } else {
                println!("  direction {di}: not an MRZ");
            }
            for (li, line) in z.lines.iter().enumerate() {
                let s = passread::rectify::strip(&p.luma, line, 44);
                let img = image::GrayImage::from_fn(368, 32, |x, y| image::Luma([(s.data[(y * 368 + x) as usize] * 255.0) as u8]));
                img.save(out.join(format!("strip{zi}_{di}_{li}.png")))?;
            }
        }
    }
    match engine.recognize(&img, passread::Mode::Auto) {
        Ok(r) => println!("{}", serde_json::to_string(&r)?),
        Err(e) => println!("{}: {e}", e.api_code().code()),
    }
    Ok(())
}

/// A blob's place, direction and the shape figures the locator filters on.
fn describe(b: &locate::blobs::Blob) -> String {
    format!(
        "centre ({:.0},{:.0}) angle {:.1}° length {:.0} width {:.1} elongation {:.1} fill {:.2}",
        b.cx,
        b.cy,
        b.uy.atan2(b.ux).to_degrees(),
        b.length,
        b.width,
        b.elongation(),
        b.fill()
    )
}
