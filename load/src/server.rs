//! The example server as a child process, and what `/proc` says about it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crossmint_auth_testkit::StandIn;

/// Every child still running, so that Ctrl-C can end them too (drop guards do not run then).
static CHILDREN: Mutex<Vec<Arc<Mutex<Child>>>> = Mutex::new(Vec::new());

/// A running `example-app`, killed when dropped.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its process id.
    pub pid: u32,
    child: Arc<Mutex<Child>>,
}

impl Server {
    /// Starts `binary` on `127.0.0.1:0` against `stand_in`, with the verified-token cache on
    /// or off, and waits until it prints the port it bound.
    pub fn start(
        binary: &Path,
        stand_in: &StandIn,
        verified_cache: bool,
        label: &'static str,
    ) -> Result<Server, String> {
        let mut command = Command::new(binary);
        command
            .env("CROSSMINT_SERVER_API_KEY", stand_in.api_key())
            .env("CROSSMINT_BASE_URL", stand_in.base_url())
            .env("CROSSMINT_PROJECT_ID", stand_in.project_id())
            .env("PORT", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if verified_cache {
            command.env_remove("CROSSMINT_VERIFIED_CACHE");
        } else {
            command.env("CROSSMINT_VERIFIED_CACHE", "off");
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let pid = child.id();
        let stdout = child.stdout.take().expect("stdout is piped");
        let child = Arc::new(Mutex::new(child));
        lock(&CHILDREN).push(Arc::clone(&child));
        // From here on the guard kills the child whatever happens.
        let mut server = Server {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            pid,
            child,
        };
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reads the port, then drains stdout so the child never blocks on a full pipe.
            let mut port_tx = Some(port_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line.strip_prefix("open http://localhost:") {
                    if let (Some(tx), Ok(port)) = (port_tx.take(), port.trim().parse::<u16>()) {
                        let _ = tx.send(port);
                    }
                }
            }
        });
        let port = port_rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| format!("{label}: the server did not report its port within 30 s"))?;
        server.addr.set_port(port);
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
        drop(child);
        lock(&CHILDREN).retain(|c| !Arc::ptr_eq(c, &self.child));
    }
}

/// Kills every child still running (for Ctrl-C).
pub fn kill_all() {
    for child in lock(&CHILDREN).iter() {
        let mut child = lock(child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `VmRSS` of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// User plus system CPU time of process `pid` (or `"self"`), in seconds.
pub fn cpu_secs(pid: impl std::fmt::Display) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / clock_ticks())
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Builds `example-app` in release with the cargo that runs us and returns its path.
pub fn build_example() -> Result<PathBuf, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("load/ is inside the workspace")
        .to_path_buf();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building example-app (release)...");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "example-app"])
        .current_dir(&workspace)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build -p example-app failed: {status}"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let target = if target.is_relative() {
        workspace.join(target)
    } else {
        target
    };
    Ok(target.join("release").join("example-app"))
}
