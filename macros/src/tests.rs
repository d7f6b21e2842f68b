//! Unit tests of the expansion: generated code (insta snapshots of the pretty-printed
//! expansion) and errors (messages and where they point).

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use crate::expand::expand;

/// The expansion, pretty-printed.
fn pretty(args: TokenStream, item: TokenStream) -> String {
    let file: syn::File = syn::parse2(expand(args, item)).expect("the expansion parses");
    prettyplease::unparse(&file)
}

/// The messages of the `compile_error!`s in the expansion, with the source text they point
/// at (when the input was parsed from a string, so that spans have locations).
fn errors(args: TokenStream, item: TokenStream) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    collect_errors(expand(args, item), &mut found);
    found
}

fn collect_errors(tokens: TokenStream, found: &mut Vec<(String, Option<String>)>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for window in tokens.windows(3) {
        if let [TokenTree::Ident(ident), TokenTree::Punct(bang), TokenTree::Group(group)] = window {
            if ident == "compile_error" && bang.as_char() == '!' {
                let lit: syn::LitStr = syn::parse2(group.stream()).expect("a string literal");
                found.push((lit.value(), lit.span().source_text()));
            }
        }
    }
}

fn messages(args: TokenStream) -> Vec<String> {
    errors(args, app())
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

fn app() -> TokenStream {
    quote! {
        fn app() -> axum::Router {
            axum::Router::new()
        }
    }
}

/// Parses `text` (so that spans have locations).
fn parsed(text: &str) -> TokenStream {
    text.parse().expect("valid tokens")
}

#[test]
fn snapshot_headline() {
    insta::assert_snapshot!(pretty(
        quote!(
            refresh = "/api/refresh",
            logout = "/api/logout",
            same_site = "Strict"
        ),
        quote! {
            /// The app.
            pub fn app() -> axum::Router {
                axum::Router::new().route("/", axum::routing::get(index))
            }
        },
    ));
}

#[test]
fn snapshot_async_with_state_and_client() {
    insta::assert_snapshot!(pretty(
        quote!(refresh = "/auth/refresh", logout = "/auth/logout"),
        quote! {
            #[allow(clippy::needless_return)]
            pub(crate) async fn app<S>(state: AppState, auth: &crossmint_auth::CrossmintAuth) -> axum::Router<S>
            where
                S: Clone + Send + Sync + 'static,
            {
                if state.maintenance {
                    return axum::Router::new();
                }
                axum::Router::new().route("/", get(index)).with_state(state)
            }
        },
    ));
}

#[test]
fn snapshot_every_cookie_option() {
    insta::assert_snapshot!(pretty(
        quote!(
            refresh = "/api/auth/refresh",
            domain = ".example.com",
            path = "/api",
            same_site = "None",
            secure = true,
            http_only = false,
            jwt_cookie = "__Secure-jwt",
            refresh_cookie = "__Secure-refresh",
            partitioned = true,
        ),
        quote! {
            fn app(auth: CrossmintAuth) -> Router {
                Router::new()
            }
        },
    ));
}

#[test]
fn the_body_runs_in_a_closure_or_async_block() {
    let sync = pretty(quote!(refresh = "/r", logout = "/l"), app());
    assert!(
        sync.contains("let router: axum::Router = (move || -> axum::Router {"),
        "{sync}"
    );
    assert!(
        sync.contains("crossmint_auth::__private::client_from_env()"),
        "{sync}"
    );
    let asynchronous = pretty(
        quote!(refresh = "/r", logout = "/l"),
        quote!(
            async fn app() -> axum::Router {
                axum::Router::new()
            }
        ),
    );
    assert!(asynchronous.contains("let router: axum::Router = async move {"));
    assert!(asynchronous.contains("}.await;") || asynchronous.contains("}\n        .await;"));
}

#[test]
fn impl_trait_return_types_are_not_spelled_out() {
    let expanded = pretty(
        quote!(refresh = "/r", logout = "/l"),
        quote!(
            fn app() -> impl Sized {
                axum::Router::new()
            }
        ),
    );
    assert!(expanded.contains("let router = (move || {"), "{expanded}");
}

#[test]
fn inner_attributes_stay_inside_the_body() {
    let expanded = pretty(
        quote!(refresh = "/r", logout = "/l"),
        quote!(
            #[doc = "outer"]
            fn app() -> axum::Router {
                #![allow(unused_variables)]
                axum::Router::new()
            }
        ),
    );
    assert!(
        expanded.contains("fn app() -> axum::Router {\n    #![allow(unused_variables)]"),
        "{expanded}"
    );
}

#[test]
fn only_given_settings_are_emitted() {
    let expanded = pretty(quote!(refresh = "/r", http_only = false), app());
    assert!(
        expanded.contains("CookieConfig::new()\n            .http_only(false);"),
        "{expanded}"
    );
    assert!(
        expanded.contains("\"/r\",\n            ::core::option::Option::None,"),
        "{expanded}"
    );
}

#[test]
fn valid_arguments_give_no_errors() {
    let args = [
        quote!(refresh = "/api/refresh", logout = "/api/logout"),
        quote!(refresh = "/refresh", http_only = false),
        quote!(
            refresh = "/a/r",
            logout = "/a/l",
            path = "/a",
            same_site = "Lax"
        ),
        quote!(
            refresh = "/r",
            logout = "/l",
            same_site = "None",
            partitioned = true
        ),
        quote!(
            refresh = "/r",
            logout = "/l",
            jwt_cookie = "__Host-jwt",
            domain = "x.io"
        ),
    ];
    // (The last one is an error: __Host- with a domain.)
    for args in &args[..4] {
        assert_eq!(messages(args.clone()), Vec::<String>::new(), "{args}");
    }
    assert_eq!(messages(args[4].clone()).len(), 1);
}

#[test]
fn every_error_is_reported_at_once() {
    let found = messages(quote!(
        refresh = "api/refresh",
        logout = "/api/{id}",
        same_site = "strict",
        domain = "co.uk",
        path = "/api;",
        jwt_cookie = "jwt cookie",
        refresh_cookie = "__host-refresh",
        secure = "false",
        partitioned = 1,
    ));
    assert_eq!(found.len(), 9, "{found:#?}");
    assert!(found[0].contains("`refresh = \"api/refresh\"` does not start with `/`"));
    assert!(found[1].contains("path parameter `{id}`"));
    assert!(found[2].contains("did you mean \"Strict\"?"));
    assert!(found[3].contains("is a public suffix"));
    assert!(found[4].contains("contains `;`"));
    assert!(found[5].contains("contains ' '"));
    assert!(found[6].contains("must be spelled `__Host-`"));
    assert!(found[7].contains("`secure` takes a bool, not a string: write `secure = false`"));
    assert!(found[8].contains("`partitioned` takes a bool"));
}

#[test]
fn single_value_and_cross_field_errors_come_together() {
    let found = messages(quote!(
        refresh = "/api/refresh",
        logout = "/api/refresh",
        same_site = "None",
        secure = false,
        domain = "localhost",
    ));
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].contains("is a single label"));
    assert!(found[1].contains("`refresh` and `logout` are both"));
    assert!(found[2].starts_with("`SameSite=None` cookies are rejected by browsers"));
}

#[test]
fn a_value_invalid_on_its_own_is_reported_once() {
    let found = messages(quote!(
        refresh = "/api/refresh",
        logout = "/api/logout",
        path = "api"
    ));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("`path = \"api\"` does not start with `/`"));
}

#[test]
fn missing_arguments() {
    assert_eq!(
        messages(quote!()),
        vec![
            "missing `refresh`: give the route of the refresh endpoint, e.g. \
             `refresh = \"/api/refresh\"`",
            "missing `logout`: the refresh cookie is HttpOnly (`http_only = true` is the \
             default), so only the server can clear it; add `logout = \"/api/logout\"` or set \
             `http_only = false`",
        ]
    );
}

#[test]
fn unknown_arguments_suggest_the_closest_and_stop_cross_field_rules() {
    let found = messages(quote!(refresh = "/r", htp_only = false));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("`htp_only`"), "{}", found[0]);
    assert!(
        found[0].contains("did you mean `http_only`?"),
        "{}",
        found[0]
    );
}

#[test]
fn duplicated_arguments() {
    let found = messages(quote!(refresh = "/r", logout = "/l", refresh = "/r2"));
    assert_eq!(
        found,
        vec!["`refresh` is given more than once: keep a single `refresh = ...`"]
    );
}

#[test]
fn wrong_shapes_and_literal_types() {
    let found = messages(quote!(
        refresh = REFRESH,
        logout,
        "/api/logout",
        same_site = 3,
        http_only(false),
    ));
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(found[0].starts_with("`refresh` takes a literal"));
    assert!(found[1].starts_with("`logout` takes a value: write `logout = \"/api/logout\"`"));
    assert!(found[2].starts_with("expected `name = value` arguments"));
    assert!(found[3].starts_with("`same_site` takes a string literal: write `same_site = \"Lax\"`"));
    assert!(found[4].starts_with("`http_only` takes a value"));
}

#[test]
fn a_malformed_argument_list_is_a_syntax_error() {
    let found = messages(quote!(refresh = ));
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn errors_point_at_the_offending_literal() {
    let found = errors(
        parsed(
            r#"refresh = "/auth/refresh", logout = "/api/logout", path = "/api", jwt_cookie = "__Secure-x", secure = false"#,
        ),
        app(),
    );
    let pointed: Vec<_> = found.iter().map(|(_, at)| at.as_deref()).collect();
    assert_eq!(
        pointed,
        vec![Some("\"__Secure-x\""), Some("\"/api\"")],
        "{found:#?}"
    );
    let found = errors(
        parsed(r#"refresh = "/r", logout = "/l", same_site = "none""#),
        app(),
    );
    assert_eq!(found[0].1.as_deref(), Some("\"none\""));
    let found = errors(
        parsed(r#"refresh = "/r", logout = "/l", secur = true"#),
        app(),
    );
    assert_eq!(found[0].1.as_deref(), Some("secur"));
    let found = errors(
        parsed(r#"refresh = "/r", logout = "/l", logout = "/x""#),
        app(),
    );
    assert_eq!(found[0].1.as_deref(), Some("logout"));
}

#[test]
fn errors_keep_the_item() {
    let expanded = expand(quote!(refresh = "/r"), app()).to_string();
    assert!(expanded.starts_with(&app().to_string()), "{expanded}");
    assert!(expanded.contains("compile_error"));
}

#[test]
fn only_functions_are_accepted() {
    let item = quote!(
        struct App;
    );
    let found = errors(quote!(refresh = "/r", logout = "/l"), item.clone());
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .0
        .starts_with("`#[crossmint_auth]` goes on the function that builds your app"));
    assert!(expand(quote!(), item.clone())
        .to_string()
        .starts_with(&item.to_string()));
    // Argument errors are reported too.
    assert_eq!(errors(quote!(), item).len(), 3);
}

#[test]
fn functions_must_return_the_router() {
    let found = messages_for(quote!(
        fn app() {}
    ));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("`app` returns nothing"),
        "{}",
        found[0]
    );
}

#[test]
fn the_client_parameter_needs_a_name() {
    let found = messages_for(quote!(
        fn app(_: CrossmintAuth) -> Router {
            Router::new()
        }
    ));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("name the `CrossmintAuth` parameter"));
}

#[test]
fn the_client_parameter_is_cloned_before_the_body() {
    let expanded = pretty(
        quote!(refresh = "/r", logout = "/l"),
        quote!(
            fn app(state: State, client: &crate::auth::CrossmintAuth) -> Router {
                Router::new()
            }
        ),
    );
    assert!(
        expanded.contains(
            "let crossmint_auth = <crate::auth::CrossmintAuth as ::core::clone::Clone>::clone(\n        &client,\n    );"
        ) || expanded.contains("let crossmint_auth = <crate::auth::CrossmintAuth as ::core::clone::Clone>::clone(&client);"),
        "{expanded}"
    );
}

fn messages_for(item: TokenStream) -> Vec<String> {
    errors(quote!(refresh = "/r", logout = "/l"), item)
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}
