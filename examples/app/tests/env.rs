//! The example decides between a real key and the demo stand-in from the environment. The
//! environment is process-global, so this binary holds one test.

use crossmint_auth_testkit::StandIn;

#[tokio::test]
async fn a_key_in_the_environment_means_no_demo() {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CROSSMINT_") {
            std::env::remove_var(name);
        }
    }
    let (_, demo) = example_app::client_from_env_or_demo().await.unwrap();
    assert!(demo.is_some(), "without a key the demo stand-in runs");

    let stand_in = StandIn::start().await;
    std::env::set_var("CROSSMINT_SERVER_API_KEY", stand_in.api_key());
    std::env::set_var("CROSSMINT_BASE_URL", stand_in.base_url());
    let (auth, demo) = example_app::client_from_env_or_demo().await.unwrap();
    assert!(demo.is_none(), "with a key there is no demo sign-in");
    assert_eq!(
        auth.client().base_url(),
        format!("{}/", stand_in.base_url())
    );

    std::env::set_var("CROSSMINT_SERVER_API_KEY", "ck_production_x");
    let error = example_app::client_from_env_or_demo().await.unwrap_err();
    assert!(
        error.to_string().contains("CROSSMINT_SERVER_API_KEY"),
        "{error}"
    );
}
