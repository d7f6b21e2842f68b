//! The one place that spells paths into the runtime crate (`::crossmint_auth::...`) and the
//! standard library. Generated code uses absolute paths only, so it needs no imports.

use crossmint_auth_rules::SameSite;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// `::crossmint_auth::CookieConfig`: the `const fn` builder of the cookie settings.
pub fn cookie_config() -> TokenStream {
    quote!(::crossmint_auth::CookieConfig)
}

/// `::crossmint_auth::SameSite::<value>`.
pub fn same_site(value: SameSite) -> TokenStream {
    let variant = Ident::new(value.as_str(), Span::call_site());
    quote!(::crossmint_auth::SameSite::#variant)
}

/// `::crossmint_auth::__private::client_from_env`: builds the client from
/// `CROSSMINT_SERVER_API_KEY` (and `CROSSMINT_BASE_URL`), panicking with a message that names
/// the variable.
pub fn client_from_env() -> TokenStream {
    quote!(::crossmint_auth::__private::client_from_env)
}

/// `::crossmint_auth::__private::mount`: adds the routes to the router.
pub fn mount() -> TokenStream {
    quote!(::crossmint_auth::__private::mount)
}

/// `::core::clone::Clone`.
pub fn clone() -> TokenStream {
    quote!(::core::clone::Clone)
}

/// `::core::option::Option::Some(value)` or `::core::option::Option::None`.
pub fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
