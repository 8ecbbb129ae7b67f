//! Where the text recognizer's time goes: runs the shipped PP-OCRv4 recognizer's optimised
//! tract plan for one width bucket and prints the time per operator kind (and the slowest
//! nodes), summed over the runs.
//!
//! `cargo run --release --example text_profile -- [WIDTH] [RUNS]` (defaults 320 and 20)

use std::collections::HashMap;
use std::time::{Duration, Instant};

use passread::chinese::text::{EMBEDDED_REC, TEXT_HEIGHT};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::plan::{eval, SimpleState};

fn main() -> TractResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let width: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(320);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20);
    let plan = tract_onnx::onnx()
        .model_for_read(&mut std::io::Cursor::new(EMBEDDED_REC))?
        .with_input_fact(0, f32::fact([1, 3, TEXT_HEIGHT, width]).into())?
        .into_optimized()?
        .into_runnable()?;
    let input: Tensor = tract_ndarray::Array4::<f32>::from_shape_fn((1, 3, TEXT_HEIGHT, width), |(_, _, y, x)| {
        if (x / 6 + y / 8) % 3 == 0 { -1.0 } else { 1.0 }
    })
    .into();
    // Warm up.
    plan.run(tvec!(input.clone().into()))?;
    let mut by_kind: HashMap<String, (Duration, usize)> = HashMap::new();
    let mut by_node: HashMap<usize, (String, Duration)> = HashMap::new();
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        let mut state = SimpleState::new(&plan)?;
        let t0 = Instant::now();
        state.run_plan_with_eval(tvec!(input.clone().into()), |ctx, st, node, inputs| {
            let t = Instant::now();
            let r = eval(ctx, st, node, inputs);
            let dt = t.elapsed();
            let e = by_kind.entry(node.op().name().to_string()).or_default();
            e.0 += dt;
            e.1 += 1;
            let n = by_node.entry(node.id).or_insert_with(|| (format!("{} {}", node.op().name(), node.name), Duration::ZERO));
            n.1 += dt;
            r
        })?;
        total += t0.elapsed();
    }
    let per = |d: Duration| d.as_secs_f64() * 1e3 / runs as f64;
    println!("width {width}: {:.2} ms a run ({} nodes)", per(total), plan.model().nodes().len());
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort_by(|a, b| b.1 .0.cmp(&a.1 .0));
    for (k, (d, n)) in kinds.iter().take(25) {
        println!("{:>8.2} ms  {:>4}x  {k}", per(*d), n / runs);
    }
    let mut nodes: Vec<_> = by_node.into_values().collect();
    nodes.sort_by(|a, b| b.1.cmp(&a.1));
    println!("slowest nodes:");
    for (name, d) in nodes.iter().take(25) {
        println!("{:>8.2} ms  {name}", per(*d));
    }
    Ok(())
}
