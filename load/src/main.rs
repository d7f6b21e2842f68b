//! The load benchmark of issue 7: the example server in release mode on the testkit
//! stand-in, everything on `127.0.0.1`, measured side by side in one run.
//!
//! ```text
//! cargo run --release -p crossmint-auth-load [-- --duration 10 --concurrency 64 --soak 60]
//! ```
//!
//! It builds `example-app` in release (with the cargo that runs it), starts a stand-in in
//! this process, starts the example server twice (verified-token cache on, and off) and
//! drives each with N workers that each keep one HTTP/1.1 connection alive (a closed loop,
//! like `wrk`). It prints throughput, p50 and p99 for every scenario, the ratio to
//! `GET /health`, the server's CPU time per request, and the targets of issue 7. The exit
//! status is 1 when a target is missed.

mod http;
mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossmint_auth_testkit::{Endpoint, StandIn};
use hdrhistogram::Histogram;

use crate::http::{Connection, Failure, Op, Session};
use crate::server::Server;

const USAGE: &str = "\
usage: cargo run --release -p crossmint-auth-load [-- OPTIONS]

  --duration SECS      measured seconds of each scenario (default 10)
  --warmup SECS        unmeasured seconds before each scenario (default 2)
  --concurrency N      concurrent workers, one connection each (default 64)
  --soak SECS          measured seconds of the mixed-traffic soak (default 60)
  --soak-warmup SECS   mixed traffic before the soak's first memory sample (default 30)
  --server-bin PATH    use this example-app binary instead of building it
";

/// Command-line settings.
#[derive(Debug, Clone)]
struct Args {
    duration: Duration,
    warmup: Duration,
    concurrency: usize,
    soak: Duration,
    soak_warmup: Duration,
    server_bin: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(2),
        concurrency: 64,
        soak: Duration::from_secs(60),
        soak_warmup: Duration::from_secs(30),
        server_bin: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        if word == "-h" || word == "--help" {
            return Err(String::new());
        }
        let value = words
            .next()
            .ok_or_else(|| format!("{word} needs a value"))?;
        let secs = || {
            value
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{word}: {value:?} is not a number of seconds"))
        };
        match word.as_str() {
            "--duration" => args.duration = secs()?,
            "--warmup" => args.warmup = secs()?,
            "--soak" => args.soak = secs()?,
            "--soak-warmup" => args.soak_warmup = secs()?,
            "--concurrency" => {
                args.concurrency =
                    value.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--concurrency: {value:?} is not a positive number")
                    })?
            }
            "--server-bin" => args.server_bin = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown option {word}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if cfg!(debug_assertions) {
        eprintln!("warning: the load generator is a debug build; run it with --release");
    }
    let binary = match args.server_bin.clone() {
        Some(binary) => binary,
        None => match server::build_example() {
            Ok(binary) => binary,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    // The stand-in gets its own threads, so its RSA signing never stalls the load workers.
    let stand_in_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("stand-in")
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let stand_in = stand_in_runtime.block_on(StandIn::start());
    let load_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load")
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = load_runtime.block_on(async {
        tokio::spawn(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                server::kill_all();
                std::process::exit(130);
            }
        });
        run(&args, &binary, &stand_in).await
    });
    drop(stand_in);
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What one scenario measured.
struct Outcome {
    name: String,
    concurrency: usize,
    /// Latency of successful requests, per [`Op::index`], in nanoseconds.
    per_op: Vec<Histogram<u64>>,
    /// All of them together.
    all: Histogram<u64>,
    ok: u64,
    /// Failed requests in the measured window.
    errors: u64,
    /// Failed requests during the warm-up.
    warmup_errors: u64,
    first_error: Option<String>,
    wall: f64,
    server_cpu: Option<f64>,
    load_cpu: Option<f64>,
    /// `(seconds since the measured window opened, VmRSS KiB)` when sampled.
    rss: Vec<(f64, u64)>,
}

impl Outcome {
    fn rps(&self) -> f64 {
        self.ok as f64 / self.wall
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1_000, 120_000_000_000, 3).expect("valid histogram bounds")
}

/// A closed-loop run: `concurrency` workers, each on its own connection to `addr`, cycling
/// through `pattern` (each from its own offset) for `warmup` and then `duration`.
struct Scenario<'a> {
    name: String,
    addr: SocketAddr,
    pattern: Vec<Op>,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    server: Option<&'a Server>,
    sample_rss: bool,
}

struct WorkerResult {
    per_op: Vec<Histogram<u64>>,
    ok: u64,
    errors: u64,
    warmup_errors: u64,
    first_error: Option<String>,
    last_end: Instant,
}

async fn run_scenario(scenario: Scenario<'_>, stand_in: &StandIn) -> Outcome {
    let sessions = mint_many(stand_in, scenario.concurrency).await;
    let start = Instant::now();
    let measure_from = start + scenario.warmup;
    let deadline = measure_from + scenario.duration;
    let pattern: Arc<[Op]> = scenario.pattern.clone().into();
    let api_key: Arc<str> = stand_in.api_key().into();
    let mut workers = Vec::with_capacity(scenario.concurrency);
    for (index, session) in sessions.into_iter().enumerate() {
        workers.push(tokio::spawn(worker(
            index,
            scenario.addr,
            Arc::clone(&pattern),
            session,
            stand_in.clone(),
            Arc::clone(&api_key),
            measure_from,
            deadline,
        )));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let pid = scenario.server.map(|s| s.pid);
    let server_cpu0 = pid.and_then(server::cpu_secs);
    let load_cpu0 = server::cpu_secs("self");
    let mut rss = Vec::new();
    let sampler = if scenario.sample_rss {
        pid.map(|pid| {
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut tick = tokio::time::interval(Duration::from_secs(1));
                loop {
                    tick.tick().await;
                    let at = measure_from.elapsed().as_secs_f64();
                    if let Some(kib) = server::rss_kib(pid) {
                        samples.push((at, kib));
                    }
                    if Instant::now() >= deadline {
                        return samples;
                    }
                }
            })
        })
    } else {
        None
    };
    let mut per_op: Vec<Histogram<u64>> = Op::ALL.iter().map(|_| histogram()).collect();
    let (mut ok, mut errors, mut warmup_errors) = (0, 0, 0);
    let mut first_error = None;
    let mut last_end = measure_from;
    for worker in workers {
        let result = worker.await.expect("a worker does not panic");
        for (mine, theirs) in per_op.iter_mut().zip(&result.per_op) {
            mine.add(theirs).expect("histograms with the same bounds");
        }
        ok += result.ok;
        errors += result.errors;
        warmup_errors += result.warmup_errors;
        first_error = first_error.or(result.first_error);
        last_end = last_end.max(result.last_end);
    }
    let wall = (last_end - measure_from).as_secs_f64().max(1e-9);
    let server_cpu = pid
        .and_then(server::cpu_secs)
        .zip(server_cpu0)
        .map(|(end, start)| end - start);
    let load_cpu = server::cpu_secs("self")
        .zip(load_cpu0)
        .map(|(end, start)| end - start);
    if let Some(sampler) = sampler {
        rss = sampler.await.unwrap_or_default();
    }
    if let (true, Some(pid)) = (scenario.sample_rss, pid) {
        if let Some(kib) = server::rss_kib(pid) {
            rss.push((measure_from.elapsed().as_secs_f64(), kib));
        }
    }
    let mut all = histogram();
    for histogram in &per_op {
        all.add(histogram).expect("histograms with the same bounds");
    }
    Outcome {
        name: scenario.name,
        concurrency: scenario.concurrency,
        per_op,
        all,
        ok,
        errors,
        warmup_errors,
        first_error,
        wall,
        server_cpu,
        load_cpu,
        rss,
    }
}

#[allow(clippy::too_many_arguments)]
async fn worker(
    index: usize,
    addr: SocketAddr,
    pattern: Arc<[Op]>,
    mut session: Session,
    stand_in: StandIn,
    api_key: Arc<str>,
    measure_from: Instant,
    deadline: Instant,
) -> WorkerResult {
    let mut result = WorkerResult {
        per_op: Op::ALL.iter().map(|_| histogram()).collect(),
        ok: 0,
        errors: 0,
        warmup_errors: 0,
        first_error: None,
        last_end: measure_from,
    };
    let mut connection: Option<Connection> = None;
    let mut step = index;
    loop {
        let started = Instant::now();
        if started >= deadline {
            return result;
        }
        let op = pattern[step % pattern.len()];
        step += 1;
        let conn = match connection.as_mut() {
            Some(conn) => conn,
            None => match Connection::open(addr).await {
                Ok(conn) => connection.insert(conn),
                Err(failure) => {
                    note_failure(&mut result, failure, started >= measure_from);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let started = Instant::now();
        let outcome = http::run(op, conn, &mut session, &api_key).await;
        let ended = Instant::now();
        let measured = started >= measure_from;
        match outcome {
            Ok(()) => {
                if measured {
                    let nanos = u64::try_from((ended - started).as_nanos()).unwrap_or(u64::MAX);
                    result.per_op[op.index()].saturating_record(nanos);
                    result.ok += 1;
                    result.last_end = result.last_end.max(ended);
                }
                if op == Op::Logout {
                    session = http::mint(&stand_in, format!("load-user-{index}")).await;
                }
            }
            Err(failure) => {
                if matches!(failure, Failure::Transport(_)) {
                    connection = None;
                }
                note_failure(&mut result, failure, measured);
                if matches!(op, Op::Refresh | Op::DirectRefresh | Op::Logout) {
                    // The session may be spent: start over with a new one.
                    session = http::mint(&stand_in, format!("load-user-{index}")).await;
                }
            }
        }
    }
}

fn note_failure(result: &mut WorkerResult, failure: Failure, measured: bool) {
    if measured {
        result.errors += 1;
    } else {
        result.warmup_errors += 1;
    }
    if result.first_error.is_none() {
        result.first_error = Some(match failure {
            Failure::Transport(e) => format!("transport: {e}"),
            Failure::Answer(e) => e,
        });
    }
}

async fn mint_many(stand_in: &StandIn, count: usize) -> Vec<Session> {
    let mut sessions = Vec::with_capacity(count);
    for index in 0..count {
        sessions.push(http::mint(stand_in, format!("load-user-{index}")).await);
    }
    sessions
}

/// The outcome of the 100 concurrent refreshes of one token.
struct Burst {
    requests: usize,
    upstream_calls: usize,
    ok: usize,
    distinct_sessions: usize,
    elapsed: Duration,
}

/// Refreshes one token `requests` times at once, each on its own connection, and counts the
/// calls the stand-in received.
async fn concurrent_refreshes(
    server: &Server,
    stand_in: &StandIn,
    requests: usize,
) -> Result<Burst, String> {
    let session = http::mint(stand_in, "burst-user".to_owned()).await;
    let mut connections = Vec::with_capacity(requests);
    for _ in 0..requests {
        connections.push(
            Connection::open(server.addr)
                .await
                .map_err(|e| format!("{e:?}"))?,
        );
    }
    let before = stand_in.count(Endpoint::Refresh);
    let barrier = Arc::new(tokio::sync::Barrier::new(requests + 1));
    let mut tasks = Vec::with_capacity(requests);
    for mut connection in connections {
        let barrier = Arc::clone(&barrier);
        let mut session = session.clone();
        let api_key = stand_in.api_key().to_owned();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            http::run(Op::Refresh, &mut connection, &mut session, &api_key)
                .await
                .ok()
                .map(|()| session.secret)
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut secrets = Vec::new();
    for task in tasks {
        if let Some(secret) = task.await.map_err(|e| e.to_string())? {
            secrets.push(secret);
        }
    }
    let elapsed = started.elapsed();
    let ok = secrets.len();
    secrets.sort();
    secrets.dedup();
    Ok(Burst {
        requests,
        upstream_calls: stand_in.count(Endpoint::Refresh) - before,
        ok,
        distinct_sessions: secrets.len(),
        elapsed,
    })
}

async fn run(args: &Args, binary: &std::path::Path, stand_in: &StandIn) -> Result<bool, String> {
    let cache_on = Server::start(binary, stand_in, true, "cache on")?;
    let cache_off = Server::start(binary, stand_in, false, "cache off")?;
    let stand_in_addr = stand_in.addr();
    let n = args.concurrency;
    println!(
        "crossmint-auth load benchmark: {} cores, {n} workers, {:?} warm-up + {:?} per scenario",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        args.warmup,
        args.duration
    );
    println!(
        "servers: {} (cache on, pid {}), {} (cache off, pid {}); stand-in {}",
        cache_on.addr, cache_on.pid, cache_off.addr, cache_off.pid, stand_in_addr
    );
    let single = |name: &str, addr, op, concurrency, server| Scenario {
        name: name.to_owned(),
        addr,
        pattern: vec![op],
        concurrency,
        warmup: args.warmup,
        duration: args.duration,
        server,
        sample_rss: false,
    };
    let plan = [
        single(
            "GET /health (ceiling)",
            cache_on.addr,
            Op::Health,
            n,
            Some(&cache_on),
        ),
        single(
            "GET /api/me, cache on",
            cache_on.addr,
            Op::Me,
            n,
            Some(&cache_on),
        ),
        single(
            "GET /api/me, cache off",
            cache_off.addr,
            Op::Me,
            n,
            Some(&cache_off),
        ),
        single(
            "POST /api/refresh",
            cache_on.addr,
            Op::Refresh,
            n,
            Some(&cache_on),
        ),
        single(
            "stand-in refresh (direct)",
            stand_in_addr,
            Op::DirectRefresh,
            n,
            None,
        ),
        single(
            "POST /api/refresh",
            cache_on.addr,
            Op::Refresh,
            1,
            Some(&cache_on),
        ),
        single(
            "stand-in refresh (direct)",
            stand_in_addr,
            Op::DirectRefresh,
            1,
            None,
        ),
    ];
    let mut outcomes = Vec::new();
    for scenario in plan {
        eprintln!("running {} x{}...", scenario.name, scenario.concurrency);
        outcomes.push(run_scenario(scenario, stand_in).await);
    }
    eprintln!("running 100 concurrent refreshes of one token...");
    let burst = concurrent_refreshes(&cache_on, stand_in, 100).await?;
    eprintln!(
        "running the soak: {:?} warm-up + {:?} of mixed traffic...",
        args.soak_warmup, args.soak
    );
    // Per 20 requests: 10 /api/me, 5 /health, 4 refreshes, 1 logout (then a new sign-in).
    let mut mix = Vec::new();
    for slot in 0..20 {
        mix.push(match slot {
            0 | 2 | 4 | 6 | 8 | 10 | 12 | 14 | 16 | 18 => Op::Me,
            1 | 5 | 9 | 13 | 17 => Op::Health,
            3 | 7 | 11 | 15 => Op::Refresh,
            _ => Op::Logout,
        });
    }
    let soak = run_scenario(
        Scenario {
            name: "soak: mixed traffic".to_owned(),
            addr: cache_on.addr,
            pattern: mix,
            concurrency: n,
            warmup: args.soak_warmup,
            duration: args.soak,
            server: Some(&cache_on),
            sample_rss: true,
        },
        stand_in,
    )
    .await;
    Ok(report(&outcomes, &burst, &soak))
}

fn fmt_latency(nanos: u64) -> String {
    let micros = nanos as f64 / 1_000.0;
    if micros < 1_000.0 {
        format!("{micros:.0} µs")
    } else {
        format!("{:.2} ms", micros / 1_000.0)
    }
}

/// Prints the tables and the targets; `true` when every target holds.
fn report(outcomes: &[Outcome], burst: &Burst, soak: &Outcome) -> bool {
    let ceiling = &outcomes[0];
    println!();
    println!(
        "| scenario | workers | req/s | p50 | p99 | × /health | server CPU | server CPU/req | load CPU | errors |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for outcome in outcomes.iter().chain(std::iter::once(soak)) {
        let cpu = |secs: Option<f64>| {
            secs.map_or("—".to_owned(), |s| {
                format!("{:.0}%", 100.0 * s / outcome.wall)
            })
        };
        let per_req = outcome.server_cpu.map_or("—".to_owned(), |s| {
            format!("{:.0} µs", 1e6 * s / outcome.ok.max(1) as f64)
        });
        println!(
            "| {} | {} | {:.0} | {} | {} | {:.2} | {} | {} | {} | {} |",
            outcome.name,
            outcome.concurrency,
            outcome.rps(),
            fmt_latency(outcome.all.value_at_quantile(0.5)),
            fmt_latency(outcome.all.value_at_quantile(0.99)),
            outcome.rps() / ceiling.rps(),
            cpu(outcome.server_cpu),
            per_req,
            cpu(outcome.load_cpu),
            outcome.errors + outcome.warmup_errors,
        );
    }
    println!();
    println!("soak, per request kind:");
    println!();
    println!("| request | count | p50 | p99 |");
    println!("| --- | ---: | ---: | ---: |");
    for op in Op::ALL {
        let histogram = &soak.per_op[op.index()];
        if !histogram.is_empty() {
            println!(
                "| {} | {} | {} | {} |",
                op.name(),
                histogram.len(),
                fmt_latency(histogram.value_at_quantile(0.5)),
                fmt_latency(histogram.value_at_quantile(0.99)),
            );
        }
    }
    let rss_line: Vec<String> = soak
        .rss
        .iter()
        .map(|(_, kib)| format!("{:.1}", *kib as f64 / 1024.0))
        .collect();
    println!();
    println!(
        "server VmRSS during the soak (MiB, once a second): {}",
        rss_line.join(" ")
    );
    for outcome in outcomes.iter().chain(std::iter::once(soak)) {
        if let Some(error) = &outcome.first_error {
            println!(
                "first error in {} x{}: {error}",
                outcome.name, outcome.concurrency
            );
        }
    }
    println!(
        "100 concurrent refreshes of one token: {} of {} answered 200 with {} distinct new \
         session(s) in {:.1} ms; upstream refresh calls: {}",
        burst.ok,
        burst.requests,
        burst.distinct_sessions,
        burst.elapsed.as_secs_f64() * 1e3,
        burst.upstream_calls
    );

    let (me_on, me_off) = (&outcomes[1], &outcomes[2]);
    let (refresh, direct, refresh_1, direct_1) =
        (&outcomes[3], &outcomes[4], &outcomes[5], &outcomes[6]);
    let p50 = |o: &Outcome| o.all.value_at_quantile(0.5) as f64;
    let rss_warm = soak.rss.first().map_or(0, |s| s.1) as f64;
    let rss_end = soak.rss.last().map_or(0, |s| s.1) as f64;
    let rss_change = (rss_end - rss_warm) / rss_warm.max(1.0);
    let soak_errors = soak.errors + soak.warmup_errors;
    let checks = [
        (
            "GET /api/me with the cache >= 0.8x /health".to_owned(),
            me_on.rps() / ceiling.rps() >= 0.8,
            format!("{:.2}x", me_on.rps() / ceiling.rps()),
        ),
        (
            "GET /api/me without the cache >= 0.3x /health".to_owned(),
            me_off.rps() / ceiling.rps() >= 0.3,
            format!("{:.2}x", me_off.rps() / ceiling.rps()),
        ),
        (
            format!(
                "POST /api/refresh p50 <= 1.2x direct refresh p50 ({} workers)",
                refresh.concurrency
            ),
            p50(refresh) <= 1.2 * p50(direct),
            format!("{:.2}x", p50(refresh) / p50(direct)),
        ),
        (
            "POST /api/refresh p50 <= 1.2x direct refresh p50 (1 worker)".to_owned(),
            p50(refresh_1) <= 1.2 * p50(direct_1),
            format!("{:.2}x", p50(refresh_1) / p50(direct_1)),
        ),
        (
            "100 concurrent refreshes of one token: exactly 1 upstream call".to_owned(),
            burst.upstream_calls == 1 && burst.ok == burst.requests && burst.distinct_sessions == 1,
            format!("{} call(s), {} × 200", burst.upstream_calls, burst.ok),
        ),
        (
            "soak: no error responses".to_owned(),
            soak_errors == 0,
            format!("{soak_errors} error(s) in {} requests", soak.ok),
        ),
        (
            "soak: VmRSS at the end within 10% of after warm-up".to_owned(),
            rss_warm > 0.0 && rss_change.abs() <= 0.10,
            format!(
                "{:.1} → {:.1} MiB ({:+.1}%)",
                rss_warm / 1024.0,
                rss_end / 1024.0,
                100.0 * rss_change
            ),
        ),
    ];
    println!();
    println!("| target | measured | result |");
    println!("| --- | --- | --- |");
    let mut all_hold = true;
    for (target, holds, measured) in checks {
        all_hold &= holds;
        println!(
            "| {target} | {measured} | {} |",
            if holds { "PASS" } else { "FAIL" }
        );
    }
    all_hold
}
