//! Runs the example app on 127.0.0.1:`PORT` (default 3000).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let (auth, demo) = example_app::client_from_env_or_demo().await?;
    if let Some(stand_in) = &demo {
        println!(
            "CROSSMINT_SERVER_API_KEY is not set: running on the local Crossmint stand-in at {} \
             (demo sign-in enabled)",
            stand_in.base_url()
        );
    }
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT must be a port number, not {port:?}"))?,
        Err(_) => 3000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let port = listener.local_addr()?.port();
    println!("open http://localhost:{port}");
    axum::serve(listener, example_app::app(auth, demo)).await?;
    Ok(())
}
