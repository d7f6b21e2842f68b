//! The driver (parse, validate, generate) and the code generation.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, ReturnType};

use crate::attr::Args;
use crate::paths;
use crate::valid::{self, Client, Config, Function};

/// Expands `#[crossmint_auth(args)] item`.
///
/// On any error the item is emitted unchanged, followed by one `compile_error!` per problem,
/// so that callers of the function see no further errors.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let config = Args::parse(args).and_then(valid::config);
    let function = valid::function(item.clone());
    match (config, function) {
        (Ok(config), Ok(function)) => generate(&config, function),
        (config, function) => {
            let errors = config.err().into_iter().chain(function.err()).collect();
            let errors = darling::Error::multiple(errors).write_errors();
            quote!(#item #errors)
        }
    }
}

/// The function, with its body wrapped so that the routes are added to the router it builds.
fn generate(config: &Config, function: Function) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function.item;
    // Our locals are invisible to the user's body (and cannot shadow its names).
    let auth = Ident::new("crossmint_auth", Span::mixed_site());
    let router = Ident::new("router", Span::mixed_site());
    // Items are not hygienic: the constant lives in a block the body is not in.
    let cookies_const = Ident::new("CROSSMINT_COOKIES", Span::call_site());
    // Inner attributes (`#![allow(..)]`) stay inside the body they were written in.
    let (outer, inner): (Vec<_>, Vec<_>) = attrs
        .into_iter()
        .partition(|attr| matches!(attr.style, syn::AttrStyle::Outer));

    let cookie_config = paths::cookie_config();
    let cookies = cookie_settings(config);
    let client = match &function.client {
        Client::FromEnv => {
            let client_from_env = paths::client_from_env();
            quote!(#client_from_env())
        }
        Client::Parameter { ident, ty } => {
            let clone = paths::clone();
            quote!(<#ty as #clone>::clone(&#ident))
        }
    };
    // With the router type known, a body returning something else is reported inside the
    // body, where the mistake is.
    let router_type = function.router_type.as_ref();
    let body = match (sig.asyncness, router_type) {
        (Some(_), Some(ty)) => {
            let value = Ident::new("value", Span::mixed_site());
            quote!(async move { let #value: #ty = #block; #value }.await)
        }
        (Some(_), None) => quote!(async move #block.await),
        (None, Some(ty)) => quote!((move || -> #ty #block)()),
        (None, None) => quote!((move || #block)()),
    };
    let annotation = router_type.map(|ty| quote!(: #ty));

    let mount = paths::mount();
    let refresh = &config.refresh;
    let logout = paths::option(config.logout.as_deref());
    // A body that returns something else than a router is reported at the return type.
    let output_span = match &sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => Span::call_site(),
    };
    let mounted = located_at(
        quote!(#mount(#router, &#auth, #cookies_const, #refresh, #logout)),
        output_span,
    );

    quote! {
        #(#outer)*
        #vis #sig {
            #(#inner)*
            let #auth = #client;
            let #router #annotation = #body;
            {
                /// Cookie settings of `#[crossmint_auth]`, checked at compile time.
                const #cookies_const: #cookie_config = #cookie_config::new() #cookies;
                #mounted
            }
        }
    }
}

/// `tokens`, every one of them shown at `span` (hygiene unchanged).
fn located_at(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), located_at(group.stream(), span));
                inner.set_span(group.span().located_at(span));
                token = TokenTree::Group(inner);
            } else {
                token.set_span(token.span().located_at(span));
            }
            token
        })
        .collect()
}

/// `.same_site(...)` and the other builder calls, for the settings the user gave only.
fn cookie_settings(config: &Config) -> TokenStream {
    let mut calls = TokenStream::new();
    if let Some(same_site) = config.same_site {
        let same_site = paths::same_site(same_site);
        calls.extend(quote!(.same_site(#same_site)));
    }
    if let Some(secure) = config.secure {
        calls.extend(quote!(.secure(#secure)));
    }
    if let Some(http_only) = config.http_only {
        calls.extend(quote!(.http_only(#http_only)));
    }
    if let Some(domain) = &config.domain {
        calls.extend(quote!(.domain(#domain)));
    }
    if let Some(path) = &config.path {
        calls.extend(quote!(.path(#path)));
    }
    if let Some(jwt_cookie) = &config.jwt_cookie {
        calls.extend(quote!(.jwt_cookie(#jwt_cookie)));
    }
    if let Some(refresh_cookie) = &config.refresh_cookie {
        calls.extend(quote!(.refresh_cookie(#refresh_cookie)));
    }
    if let Some(partitioned) = config.partitioned {
        calls.extend(quote!(.partitioned(#partitioned)));
    }
    calls
}
