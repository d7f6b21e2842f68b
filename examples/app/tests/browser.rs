//! The example app in a real browser: Debian's chromium, headless, driven over WebDriver by
//! chromedriver (issue 6, item 2).
//!
//! The app runs in-process on `127.0.0.1:<random>` against the testkit stand-in and is opened
//! as `http://localhost:<port>` (a potentially trustworthy origin, so chromium keeps the
//! `Secure` cookies over plain HTTP). A second tiny server on `127.0.0.1:<random>` plays
//! another site.
//!
//! Without chromium or chromedriver the test says so loudly and passes (skips); with
//! `CI=true` it fails instead. Override the binaries with `CHROMIUM` / `CHROMEDRIVER`.
//! The page after sign-in is saved to `<target dir>/artifacts/signed-in.png`.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::resume_unwind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use axum::Router;
use crossmint_auth::CrossmintAuth;
use crossmint_auth_testkit::{Endpoint, StandIn};
use fantoccini::cookies::Cookie;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

const JWT_COOKIE: &str = "crossmint-jwt";
const REFRESH_COOKIE: &str = "crossmint-refresh-token";
/// How long any one expected browser state may take to appear.
const PATIENCE: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_flow_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let started = Instant::now();

    // The app, on the stand-in, with every request to the auth routes observed app-side.
    let stand_in = StandIn::start().await;
    let auth = CrossmintAuth::builder(stand_in.api_key())
        .base_url(stand_in.base_url())
        .project_id(stand_in.project_id())
        .build()
        .expect("a client for the stand-in");
    let seen = Seen::default();
    let app = example_app::app(auth, Some(stand_in.clone())).layer(middleware::from_fn({
        let seen = seen.clone();
        move |request: Request, next: Next| seen.clone().record(request, next)
    }));
    let app_port = serve(app).await;
    let app_url = format!("http://localhost:{app_port}");

    // Another site: 127.0.0.1 is not the same site as localhost.
    let other_port = serve(other_site(&app_url)).await;
    let other_url = format!("http://127.0.0.1:{other_port}/");

    let driver = Chromedriver::start(&chromedriver);
    driver.wait_until_ready().await;
    let client = driver.connect(&chromium).await;
    eprintln!("browser up after {:?}", started.elapsed());

    let flow = tokio::spawn(flow(Flow {
        client: client.clone(),
        stand_in: stand_in.clone(),
        seen,
        app_url,
        other_url,
        other_origin: format!("http://127.0.0.1:{other_port}"),
    }));
    let outcome = flow.await;
    // End the session (chromium exits with it) whatever happened; the guard is the backstop.
    let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => resume_unwind(panic),
            Err(error) => panic!("the browser flow did not finish: {error}"),
        }
    }
    drop(driver);
    eprintln!("browser test done in {:?}", started.elapsed());
}

struct Flow {
    client: Client,
    stand_in: StandIn,
    seen: Seen,
    app_url: String,
    other_url: String,
    other_origin: String,
}

async fn flow(f: Flow) {
    let Flow {
        client: c,
        stand_in,
        seen,
        app_url,
        other_url,
        other_origin,
    } = f;
    let refreshes = || stand_in.count(Endpoint::Refresh);

    // Signed out at first.
    c.goto(&app_url).await.expect("open the app");
    let ready = wait_ready_change(&c, None).await;
    assert_eq!(data_user(&c).await, "", "a fresh browser is signed out");
    assert!(
        cookies(&c).await.is_empty(),
        "a fresh browser has no cookies"
    );

    // Sign in as the demo user.
    let sign_in = eventually("the #sign-in button to show", || async {
        let button = c.find(Locator::Id("sign-in")).await.ok()?;
        button.is_displayed().await.ok()?.then_some(button)
    })
    .await;
    sign_in.click().await.expect("click #sign-in");
    eventually("#status to show demo-user after sign-in", || async {
        (data_user(&c).await == "demo-user").then_some(())
    })
    .await;
    wait_ready_change(&c, Some(&ready)).await;
    assert_eq!(refreshes(), 1, "sign-in exchanges the ticket upstream once");

    // Page script reads the JWT cookie, never the refresh cookie...
    let script_cookies = js(&c, "return document.cookie;").await;
    let script_cookies = script_cookies
        .as_str()
        .expect("document.cookie is a string");
    assert!(
        script_cookies.contains(&format!("{JWT_COOKIE}=")),
        "page script must read {JWT_COOKIE}: {script_cookies:?}"
    );
    assert!(
        !script_cookies.contains(REFRESH_COOKIE),
        "page script must not read {REFRESH_COOKIE}: {script_cookies:?}"
    );
    assert_eq!(text(&c, "cookies").await, JWT_COOKIE);
    // ...which the browser does hold, HttpOnly, Secure and SameSite=Strict.
    let jar = cookies(&c).await;
    let refresh = jar
        .get(REFRESH_COOKIE)
        .expect("the browser holds the refresh cookie");
    assert_eq!(refresh.http_only(), Some(true), "{refresh}");
    assert_eq!(refresh.secure(), Some(true), "{refresh}");
    assert_eq!(same_site(refresh).as_deref(), Some("Strict"), "{refresh}");
    let jwt = jar
        .get(JWT_COOKIE)
        .expect("the browser holds the JWT cookie");
    assert_ne!(jwt.http_only(), Some(true), "{jwt}");
    assert_eq!(jwt.secure(), Some(true), "{jwt}");
    assert_eq!(same_site(jwt).as_deref(), Some("Strict"), "{jwt}");
    assert_eq!(jar.len(), 2, "only the two session cookies: {jar:?}");

    let screenshot = c.screenshot().await.expect("screenshot");
    let artifacts = target_dir().join("artifacts");
    std::fs::create_dir_all(&artifacts).expect("create target/artifacts");
    let png = artifacts.join("signed-in.png");
    std::fs::write(&png, screenshot).expect("write the screenshot");
    eprintln!("screenshot of the signed-in page: {}", png.display());

    // #refresh rotates both cookies and calls upstream once. The stand-in's JWTs carry only
    // whole-second claims, so a rotation within the same second would mint the same JWT:
    // let the second of the current one pass first.
    let before = cookie_values(&c).await;
    wait_past_iat(&c, &before[JWT_COOKIE]).await;
    let ready = ready_marker(&c).await;
    c.find(Locator::Id("refresh"))
        .await
        .expect("#refresh")
        .click()
        .await
        .expect("click #refresh");
    let ready = wait_ready_change(&c, Some(&ready)).await;
    let after = cookie_values(&c).await;
    assert_ne!(
        after[JWT_COOKIE], before[JWT_COOKIE],
        "refresh rotates the JWT"
    );
    assert_ne!(
        after[REFRESH_COOKIE], before[REFRESH_COOKIE],
        "refresh rotates the refresh secret"
    );
    assert_eq!(refreshes(), 2, "one upstream refresh for #refresh");
    assert_eq!(data_user(&c).await, "demo-user");
    assert!(text(&c, "output").await.starts_with("POST /api/refresh"));

    // #me answers from the valid JWT, without refreshing.
    c.find(Locator::Id("me"))
        .await
        .expect("#me")
        .click()
        .await
        .expect("click #me");
    wait_ready_change(&c, Some(&ready)).await;
    let output = text(&c, "output").await;
    assert!(output.starts_with("GET /api/me"), "{output}");
    assert!(output.contains(r#""status": 200"#), "{output}");
    assert!(output.contains(r#""userId": "demo-user""#), "{output}");
    assert_eq!(refreshes(), 2, "/api/me with a valid JWT does not refresh");

    // A page load with an expired JWT refreshes transparently.
    let expired = stand_in.mint_expired_session("demo-user").jwt;
    js_with(
        &c,
        "document.cookie = arguments[0];",
        json!(format!(
            "{JWT_COOKIE}={expired}; Path=/; Secure; SameSite=Strict"
        )),
    )
    .await;
    let jar = cookie_values(&c).await;
    assert_eq!(
        jar.get(JWT_COOKIE),
        Some(&expired),
        "the page replaced its JWT cookie with an expired one"
    );
    let refresh_secret = jar[REFRESH_COOKIE].clone();
    c.refresh().await.expect("reload the page");
    wait_ready_change(&c, None).await;
    assert_eq!(
        data_user(&c).await,
        "demo-user",
        "still signed in after loading the page with an expired JWT"
    );
    assert_eq!(
        refreshes(),
        3,
        "the expired JWT was refreshed upstream once"
    );
    let after = cookie_values(&c).await;
    assert_ne!(
        after[JWT_COOKIE], expired,
        "a fresh JWT replaced the expired one"
    );
    assert!(
        jwt_claim(&c, &after[JWT_COOKIE], "exp").await > unix_now(),
        "the new JWT is not expired"
    );
    assert_ne!(
        after[REFRESH_COOKIE], refresh_secret,
        "the refresh secret rotated"
    );
    assert_eq!(text(&c, "cookies").await, JWT_COOKIE);

    // Another site's page POSTs to the refresh route: refused, and the cookies survive.
    let before = cookie_values(&c).await;
    let refreshes_before = refreshes();
    let seen_before = seen.len();
    c.goto(&other_url).await.expect("open the other site");
    eventually("the other site's fetches to settle", || async {
        (!js(&c, "return document.body.dataset.done ?? '';")
            .await
            .as_str()?
            .is_empty())
        .then_some(())
    })
    .await;
    let cors = js(&c, "return document.body.dataset.cors;").await;
    let simple = js(&c, "return document.body.dataset.simple;").await;
    eprintln!("cross-site fetch (JSON, CORS): {cors}; (no-cors, simple): {simple}");
    assert!(
        cors.as_str().is_some_and(|r| r.starts_with("error")),
        "the browser must not hand the other site a response: {cors}"
    );
    let attack: Vec<Observed> = seen
        .since(seen_before)
        .into_iter()
        .filter(|o| o.origin.as_deref() == Some(&other_origin))
        .collect();
    eprintln!("the app saw from the other site: {attack:#?}");
    assert!(
        attack
            .iter()
            .any(|o| o.method == "POST" && o.path == "/api/refresh" && o.status == 403),
        "the app answers a cross-site POST to the refresh route 403: {attack:#?}"
    );
    for o in attack.iter().filter(|o| o.method == "POST") {
        assert_eq!(o.sec_fetch_site.as_deref(), Some("cross-site"), "{o:#?}");
        assert!(
            !o.sent_refresh_cookie,
            "SameSite=Strict keeps the refresh cookie off cross-site requests: {o:#?}"
        );
    }
    for o in &attack {
        assert!(
            !(200..300).contains(&o.status) && !o.set_cookie,
            "nothing from another site may succeed or touch cookies: {o:#?}"
        );
    }
    assert_eq!(
        refreshes(),
        refreshes_before,
        "no upstream refresh for the other site"
    );
    c.goto(&app_url).await.expect("back to the app");
    wait_ready_change(&c, None).await;
    assert_eq!(data_user(&c).await, "demo-user", "still signed in");
    assert_eq!(
        cookie_values(&c).await,
        before,
        "the cookies survived unchanged"
    );
    assert_eq!(refreshes(), refreshes_before);

    // Log out: both cookies leave the browser.
    let logouts = stand_in.count(Endpoint::Logout);
    let ready = ready_marker(&c).await;
    c.find(Locator::Id("logout"))
        .await
        .expect("#logout")
        .click()
        .await
        .expect("click #logout");
    wait_ready_change(&c, Some(&ready)).await;
    assert_eq!(data_user(&c).await, "", "signed out after logout");
    let jar = cookies(&c).await;
    assert!(
        !jar.contains_key(JWT_COOKIE) && !jar.contains_key(REFRESH_COOKIE),
        "logout removes both cookies from the browser: {jar:?}"
    );
    assert_eq!(text(&c, "cookies").await, "(none)");
    assert_eq!(
        stand_in.count(Endpoint::Logout),
        logouts + 1,
        "revoked upstream"
    );
}

/// The other site: its script POSTs to the app's refresh route with the browser's
/// credentials, once as the JSON `fetch` an SDK would make (CORS: preflighted) and once as
/// a "simple" no-cors request, which the browser sends without asking.
fn other_site(app_url: &str) -> Router {
    let page = format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>another site</title></head>
<body><p>Another site trying to use your session.</p>
<script>
const target = "{app_url}/api/refresh";
async function attempt(init) {{
  try {{
    const response = await fetch(target, init);
    return `status ${{response.status}} (${{response.type}})`;
  }} catch (error) {{
    return `error ${{error.name}}`;
  }}
}}
(async () => {{
  document.body.dataset.cors = await attempt({{
    method: "POST", credentials: "include",
    headers: {{ "Content-Type": "application/json" }}, body: "{{}}",
  }});
  document.body.dataset.simple = await attempt({{
    method: "POST", mode: "no-cors", credentials: "include",
    headers: {{ "Content-Type": "text/plain" }}, body: "{{}}",
  }});
  document.body.dataset.done = "1";
}})();
</script></body></html>"#
    );
    Router::new().route("/", get(move || async move { Html(page) }))
}

/// A request to an `/api/` route as the app saw it, and its answer.
#[derive(Debug, Clone)]
struct Observed {
    method: String,
    path: String,
    origin: Option<String>,
    sec_fetch_site: Option<String>,
    sent_refresh_cookie: bool,
    status: u16,
    set_cookie: bool,
}

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Observed>>>);

impl Seen {
    async fn record(self, request: Request, next: Next) -> Response {
        if !request.uri().path().starts_with("/api/") {
            return next.run(request).await;
        }
        // In a block: a borrow of the (not `Sync`) request must not live across the await.
        let mut observed = {
            let header = |name| {
                request
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            Observed {
                method: request.method().to_string(),
                path: request.uri().path().to_owned(),
                origin: header(header::ORIGIN.as_str()),
                sec_fetch_site: header("sec-fetch-site"),
                sent_refresh_cookie: header(header::COOKIE.as_str())
                    .is_some_and(|c| c.contains(REFRESH_COOKIE)),
                status: 0,
                set_cookie: false,
            }
        };
        let response = next.run(request).await;
        observed.status = response.status().as_u16();
        observed.set_cookie = response.headers().contains_key(header::SET_COOKIE);
        self.0.lock().unwrap().push(observed);
        response
    }

    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn since(&self, index: usize) -> Vec<Observed> {
        self.0.lock().unwrap()[index..].to_vec()
    }
}

/// Serves `router` on `127.0.0.1:<random>` for the rest of the test; returns the port.
async fn serve(router: Router) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    port
}

// ---- the browser --------------------------------------------------------------------------

/// The chromium and chromedriver binaries, or `None` (after saying so loudly) to skip.
/// Under `CI=true` a missing binary fails the test.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let tool = |variable: &str, default: &str| {
        std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
    };
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
    let missing: Vec<String> = [&chromium, &chromedriver]
        .into_iter()
        .filter(|path| !path.is_file())
        .map(|path| path.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some((chromium, chromedriver));
    }
    let message = format!(
        "the real-browser test needs chromium and chromedriver, but {} not found \
         (Debian: apt-get install chromium chromium-driver; or set CHROMIUM / CHROMEDRIVER)",
        missing.join(" and ")
    );
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("CI=true: {message}");
    }
    let rule = "!".repeat(78);
    eprintln!("\n{rule}\n!!! SKIPPED: {message}\n{rule}\n");
    None
}

/// A chromedriver we started (in its own process group, with the chromium it launches),
/// with a fresh chromium profile. Dropping it kills the whole group and deletes the profile.
struct Chromedriver {
    child: Child,
    port: u16,
    log: PathBuf,
    profile: tempfile::TempDir,
}

impl Chromedriver {
    fn start(binary: &Path) -> Chromedriver {
        use std::os::unix::process::CommandExt;

        let profile = tempfile::Builder::new()
            .prefix("crossmint-auth-browser-")
            .tempdir()
            .expect("a temporary directory");
        let log = profile.path().join("chromedriver.log");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", binary.display()));
        Chromedriver {
            child,
            port,
            log,
            profile,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls `GET /status` until chromedriver says it is ready.
    async fn wait_until_ready(&self) {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let status = format!("{}/status", self.url());
        eventually("chromedriver to answer", || async {
            let answer: Value = http.get(&status).send().await.ok()?.json().await.ok()?;
            (answer["value"]["ready"] == true).then_some(())
        })
        .await;
    }

    async fn connect(&self, chromium: &Path) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=900,700",
                    // Loopback only: every other host name fails to resolve.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                    format!("--user-data-dir={}", self.profile.path().join("profile").display()),
                ],
            }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url())
            .await
            .unwrap_or_else(|error| panic!("start chromium through chromedriver: {error}"))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            eprintln!("--- chromedriver log (tail) ---\n{}", tail.join("\n"));
        }
        // chromedriver and the chromium it started share the process group we gave it.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- page helpers -------------------------------------------------------------------------

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|error| panic!("run {script:?}: {error}"))
}

async fn js_with(c: &Client, script: &str, argument: Value) -> Value {
    c.execute(script, vec![argument])
        .await
        .unwrap_or_else(|error| panic!("run {script:?}: {error}"))
}

/// `#status[data-user]`: the signed-in user id, `""` when signed out.
async fn data_user(c: &Client) -> String {
    let user = js(
        c,
        "return document.getElementById('status').dataset.user ?? null;",
    )
    .await;
    user.as_str().unwrap_or_default().to_owned()
}

async fn text(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap_or_else(|error| panic!("#{id}: {error}"))
        .text()
        .await
        .unwrap_or_else(|error| panic!("text of #{id}: {error}"))
}

/// `body[data-ready]`, set after each status check; `""` before the first.
async fn ready_marker(c: &Client) -> String {
    let ready = js(c, "return document.body.dataset.ready ?? '';").await;
    ready.as_str().unwrap_or_default().to_owned()
}

/// Waits until a status check finished after `previous` (any check, for `None`).
async fn wait_ready_change(c: &Client, previous: Option<&str>) -> String {
    eventually("the page's status check", || async {
        let ready = ready_marker(c).await;
        (!ready.is_empty() && Some(ready.as_str()) != previous).then_some(ready)
    })
    .await
}

/// The browser's cookies for the current page, through WebDriver (HttpOnly ones included).
async fn cookies(c: &Client) -> BTreeMap<String, Cookie<'static>> {
    let all = c.get_all_cookies().await.expect("get all cookies");
    let mut jar = BTreeMap::new();
    for cookie in all {
        let name = cookie.name().to_owned();
        assert!(
            jar.insert(name.clone(), cookie).is_none(),
            "cookie {name} is held twice"
        );
    }
    jar
}

fn same_site(cookie: &Cookie<'_>) -> Option<String> {
    cookie.same_site().map(|same_site| same_site.to_string())
}

async fn cookie_values(c: &Client) -> BTreeMap<String, String> {
    cookies(c)
        .await
        .into_iter()
        .map(|(name, cookie)| (name, cookie.value().to_owned()))
        .collect()
}

/// A numeric claim of `jwt`, decoded by the page.
async fn jwt_claim(c: &Client, jwt: &str, claim: &str) -> u64 {
    let script =
        "const payload = arguments[0].split('.')[1].replace(/-/g, '+').replace(/_/g, '/'); \
                  return JSON.parse(atob(payload))[arguments[1]];";
    let value = c
        .execute(script, vec![json!(jwt), json!(claim)])
        .await
        .expect("decode the JWT");
    value
        .as_u64()
        .unwrap_or_else(|| panic!("claim {claim} is {value}"))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Waits until the second `jwt` was issued in has passed (at most a second).
async fn wait_past_iat(c: &Client, jwt: &str) {
    let iat = jwt_claim(c, jwt, "iat").await;
    eventually("the JWT's issue second to pass", || async {
        (unix_now() > iat).then_some(())
    })
    .await;
}

/// Polls `probe` every 25 ms until it gives a value; panics after [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {PATIENCE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The workspace's target directory: `CARGO_TARGET_DIR` (relative to the workspace root
/// when relative) or `<workspace>/target`.
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("examples/app sits two levels below the workspace root");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace.join(dir), // `join` keeps an absolute `dir` as is
        None => workspace.join("target"),
    }
}
