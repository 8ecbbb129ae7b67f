//! Runs the Chinese visual stages on one image and prints what each saw:
//! `cargo run --release --example chinese_inspect -- IMAGE [OUT_DIR]` (OUT_DIR gets the
//! rectified field region and its ink mask as PNG). Prints personal data: for development only.

use passread::chinese::{self, lines, text::TractTextModel};
use passread::Engine;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: chinese_inspect IMAGE [OUT_DIR]")?;
    let engine = Engine::new()?;
    let decoded = engine.decode(&std::fs::read(path)?)?;
    let prepared = engine.prepare(&decoded);
    let reading = engine.read(&prepared)?;
    println!("mrz: {:?}", reading.repaired.document.lines);
    let model = TractTextModel::embedded()?;
    let t = std::time::Instant::now();
    let (result, visual) = chinese::read_chinese(&model, &prepared, &reading, engine.today())?;
    println!("total {:?} (includes plan optimisation on first use)", t.elapsed());
    if let Some(dir) = args.get(1) {
        std::fs::create_dir_all(dir)?;
        visual.page.image.save(format!("{dir}/page.png"))?;
        lines::ink_mask(&visual.page.image).save(format!("{dir}/ink.png"))?;
    }
    println!("threshold {:.2}", visual.threshold);
    for l in &visual.found {
        println!("  found {:6.1} {:5.1} .. {:6.1} {:5.1} h {:4.2} c {:.2}", l.x0, l.y0, l.x1, l.y1, l.height(), l.contrast);
    }
    for l in &visual.lines {
        println!(
            "{:6.1} {:5.1} .. {:6.1} {:5.1} h {:4.2} c {:.2} p {:.3} {:?} {:?}",
            l.line.x0, l.line.y0, l.line.x1, l.line.y1, l.line.height(), l.line.contrast, l.reading.min_p(), l.label, l.reading.text()
        );
    }
    println!("{:?}", visual.times);
    println!("{}", serde_json::to_string_pretty(&result)?);
    Ok(())
}
