//! The `passread` command.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod cmd;

use passread::result::Response;
use passread::{pipeline, Engine, Mode};

#[derive(Parser)]
#[command(name = "passread", version, about = "On-device passport reader (ICAO 9303 MRZ, Chinese e-passports)")]
struct Cli {
    /// More log output on stderr (-v debug, -vv trace). Personal data is never logged above debug.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum CountryCode {
    /// Decide from the document.
    #[value(name = "auto")]
    Auto,
    /// Machine-readable zone only.
    #[value(name = "GENERAL")]
    General,
    /// Every field of a Chinese mainland passport.
    #[value(name = "CHN")]
    Chn,
}

impl From<CountryCode> for Mode {
    fn from(c: CountryCode) -> Mode {
        match c {
            CountryCode::Auto => Mode::Auto,
            CountryCode::General => Mode::General,
            CountryCode::Chn => Mode::Chinese,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Read passport images: prints one API response body (JSON) per file, one per line.
    Recognize {
        #[arg(long, value_enum, default_value = "auto")]
        country_code: CountryCode,
        /// Write DIR/<file name>.json for each file instead of printing.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Image files (PNG, JPEG, BMP, TIFF).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Time every stage of the real path on image files; prints medians and peak memory.
    Bench {
        /// As for `recognize`: GENERAL times the MRZ alone, also on a Chinese page.
        #[arg(long, value_enum, default_value = "auto")]
        country_code: CountryCode,
        /// Runs per file (after one warm-up run).
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Also run the kiosk runtime over a recorded sequence: gate cost per frame and frames
        /// from a still page to the reading.
        #[arg(long, value_name = "DIR")]
        sequence: Vec<PathBuf>,
        #[arg(required_unless_present = "sequence", value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Measure accuracy on a generated set (DIR/truth.jsonl from tools/synth).
    Eval {
        /// The set's directory.
        dir: PathBuf,
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// List every document read wrongly.
        #[arg(long)]
        failures: bool,
        /// Read at most N images.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Read Chinese mainland passports in full (automatic mode) and compare every field,
        /// the Chinese text included, with per-field confidence calibration.
        #[arg(long)]
        chinese_full: bool,
    },
    /// The kiosk runtime on a recording: one JSON object per line on stdout, a `reading` per
    /// presentation and a `status` per guidance change.
    Replay {
        /// A recorded sequence (manifest.json) or a directory of image files read in name order.
        dir: PathBuf,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Pace frames at their recorded times instead of as fast as possible.
        #[arg(long)]
        realtime: bool,
        /// Also print every frame's gate measures and stage times.
        #[arg(long)]
        trace: bool,
    },
    /// The kiosk service: camera → gates → reading → serial, GPIO and (if enabled) HTTP, until
    /// SIGTERM. Under systemd it sends READY and WATCHDOG notifications.
    Run {
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Frame source instead of the config's camera: v4l2:/dev/videoN or replay:DIR.
        #[arg(long, value_name = "SOURCE")]
        source: Option<cmd::kiosk::SourceArg>,
        /// Also print every event as a JSON line on stdout (readings carry personal data).
        #[arg(long)]
        print: bool,
    },
    /// Record camera frames into a replayable sequence (manifest.json + frames).
    Record {
        /// The camera (default: the config's camera.device).
        #[arg(long, value_name = "DEVICE")]
        device: Option<PathBuf>,
        /// Record from another source instead (v4l2:/dev/videoN or replay:DIR).
        #[arg(long, value_name = "SOURCE", conflicts_with = "device")]
        source: Option<cmd::kiosk::SourceArg>,
        #[arg(long, default_value_t = 60)]
        frames: usize,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Serve the local HTTP API (a drop-in for the cloud Passport API) until SIGINT/SIGTERM.
    Serve {
        /// Config file (TOML; its [http] section). Default: /etc/passread/passread.toml if it exists.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Address to listen on (overrides http.listen; default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<std::net::SocketAddr>,
        /// Accepted X-Auth-Token (repeatable; added to http.tokens). Required off loopback.
        #[arg(long, value_name = "TOKEN")]
        token: Vec<String>,
    },
    /// Load-test the HTTP API in-process on loopback: concurrent keep-alive clients posting images.
    #[command(name = "bench-http")]
    BenchHttp {
        /// Seconds to run.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Config file whose [http] section is used (listen is always 127.0.0.1:0).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Override http.max_concurrent.
        #[arg(long, value_name = "N")]
        max_concurrent: Option<usize>,
        /// Override http.queue_wait_ms.
        #[arg(long, value_name = "MS")]
        queue_wait_ms: Option<u64>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Images sent round-robin (PNG, JPEG, BMP, TIFF).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Parse a machine-readable zone given as text: prints the API result and every check digit.
    #[command(name = "parse-mrz")]
    ParseMrz {
        /// The zone's 2 or 3 lines; read from stdin when none are given.
        #[arg(value_name = "LINE")]
        lines: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    passread::service::init_logging(cli.verbose);
    match cli.command {
        Command::Recognize { country_code, out_dir, files } => recognize(country_code.into(), out_dir.as_deref(), &files),
        Command::ParseMrz { lines } => parse_mrz(lines),
        Command::Eval { dir, json, failures, limit, chinese_full } => eval(&dir, json, failures, limit, chinese_full),
        Command::Bench { country_code, runs, json, sequence, files } => bench(country_code.into(), runs, json, &files, &sequence),
        Command::Serve { config, listen, token } => serve(config.as_deref(), listen, token),
        Command::BenchHttp { seconds, clients, config, max_concurrent, queue_wait_ms, json, files } => {
            bench_http(seconds, clients, config.as_deref(), max_concurrent, queue_wait_ms, json, &files)
        }
        Command::Run { config, source, print } => cmd::kiosk::run(config.as_deref(), source, print),
        Command::Replay { dir, config, realtime, trace } => cmd::kiosk::replay(&dir, config.as_deref(), realtime, trace),
        Command::Record { device, source, frames, out, config } => {
            let source = match (source, device) {
                (Some(s), _) => s,
                (None, Some(d)) => cmd::kiosk::SourceArg::V4l2(d),
                (None, None) => match passread::config::Config::load_or_default(config.as_deref()) {
                    Ok(c) => cmd::kiosk::SourceArg::V4l2(c.camera.device),
                    Err(e) => {
                        eprintln!("passread: {e}");
                        return ExitCode::from(2);
                    }
                },
            };
            cmd::kiosk::record(source, config.as_deref(), frames, &out)
        }
    }
}

fn recognize(mode: Mode, out_dir: Option<&Path>, files: &[PathBuf]) -> ExitCode {
    let engine = match Engine::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("passread: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let mut all_ok = true;
    for file in files {
        let outcome = passread::input::read_file(file).and_then(|img| engine.recognize(&img, mode));
        if let Err(e) = &outcome {
            eprintln!("passread: {}: {e}", file.display());
        }
        let response = Response::from_outcome(&outcome);
        all_ok &= response.is_ok();
        let json = response.to_json();
        match out_dir {
            Some(dir) => {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "image".into());
                let path = dir.join(format!("{name}.json"));
                if let Err(e) = std::fs::write(&path, json + "\n") {
                    eprintln!("passread: cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
            None => {
                // A closed pipe (e.g. `| head`) ends the output quietly instead of panicking.
                use std::io::Write;
                if writeln!(std::io::stdout().lock(), "{json}").is_err() {
                    return ExitCode::from(1);
                }
            }
        }
    }
    if all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn parse_mrz(args: Vec<String>) -> ExitCode {
    let text = if args.is_empty() {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().take(64 * 1024).read_to_string(&mut s) {
            eprintln!("passread: cannot read stdin: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        args.join("\n")
    };
    let lines = passread::mrz::document::split_lines(&text);
    match passread::pipeline::result_from_mrz(&lines, passread::mrz::Ymd::today()) {
        Ok((doc, result)) => {
            let mut out = serde_json::to_value(Response::Ok { result }).unwrap_or_default();
            if let (Some(obj), serde_json::Value::Object(details)) = (out.as_object_mut(), pipeline::document_details(&doc)) {
                for (k, v) in details {
                    obj.insert(k, v);
                }
            }
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            if doc.is_valid() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("passread: {e}");
            println!("{}", Response::Err((&e).into()).to_json());
            ExitCode::from(1)
        }
    }
}

fn eval(dir: &Path, json: bool, failures: bool, limit: Option<usize>, chinese_full: bool) -> ExitCode {
    let outcome = Engine::new().and_then(|engine| passread::eval::evaluate(&engine, dir, chinese_full, limit));
    match outcome {
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else {
                println!("{}", report.text());
                if failures {
                    for f in &report.failures {
                        println!("  {f}");
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("passread: {e}");
            ExitCode::from(2)
        }
    }
}

fn bench(mode: Mode, runs: usize, json: bool, files: &[PathBuf], sequences: &[PathBuf]) -> ExitCode {
    let t = std::time::Instant::now();
    let engine = match Engine::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut all = Vec::new();
    for f in files {
        match passread::bench::bench_file(&engine, f, runs.max(1), mode) {
            Ok(s) => all.push(s),
            Err(e) => {
                eprintln!("passread: {}: {e}", f.display());
                return ExitCode::from(1);
            }
        }
    }
    let engine = std::sync::Arc::new(engine);
    let mut seqs = Vec::new();
    for d in sequences {
        match passread::bench::bench_sequence(engine.clone(), d, runs.clamp(1, 5)) {
            Ok(s) => seqs.push(s),
            Err(e) => {
                eprintln!("passread: {}: {e}", d.display());
                return ExitCode::from(1);
            }
        }
    }
    let peak = passread::bench::peak_rss_mib();
    if json {
        let v = serde_json::json!({ "model_load_ms": load_ms, "peak_rss_mib": peak, "files": all, "sequences": seqs });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        println!("model load {load_ms:.1} ms");
        for s in &all {
            println!("{}", s.text());
        }
        for s in &seqs {
            println!("{}", s.text());
        }
        println!("peak RSS {:.1} MiB", peak.unwrap_or(f64::NAN));
    }
    ExitCode::SUCCESS
}

fn serve(config: Option<&Path>, listen: Option<std::net::SocketAddr>, tokens: Vec<String>) -> ExitCode {
    let mut config = match passread::config::Config::load_or_default(config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(l) = listen {
        config.http.listen = l;
    }
    config.http.tokens.extend(tokens);
    let engine = match Engine::new() {
        Ok(e) => std::sync::Arc::new(e),
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    let health = passread::events::KioskHealth::default();
    let handle = match passread::http::start(&config.http, engine, passread::events::EventBus::default(), health) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!("passread: serving the Passport API on http://{}/v2/{{project_id}}/ocr/passport", handle.local_addr());
    match handle.wait_for_signal() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("passread: {e}");
            ExitCode::from(1)
        }
    }
}

fn bench_http(
    seconds: u64,
    clients: usize,
    config: Option<&Path>,
    max_concurrent: Option<usize>,
    queue_wait_ms: Option<u64>,
    json: bool,
    files: &[PathBuf],
) -> ExitCode {
    let mut config = match passread::config::Config::load_or_default(config) {
        Ok(c) => c.http,
        Err(e) => {
            eprintln!("passread: {e}");
            return ExitCode::from(2);
        }
    };
    config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    if let Some(n) = max_concurrent {
        config.max_concurrent = n;
    }
    if let Some(ms) = queue_wait_ms {
        config.queue_wait_ms = ms;
    }
    let opts = passread::bench::HttpBenchOptions {
        duration: std::time::Duration::from_secs(seconds.max(1)),
        clients: clients.max(1),
    };
    match passread::bench::bench_http(&config, files, &opts) {
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else {
                println!("{}", report.text());
            }
            if report.errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("passread: {e}");
            ExitCode::from(2)
        }
    }
}
