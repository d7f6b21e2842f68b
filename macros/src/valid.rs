//! Validation: turns the parsed arguments into a [`Config`] and the annotated item into a
//! [`Function`], or into spanned errors. The rules themselves live in
//! `crossmint-auth-rules`; this file only decides where each error points.

use crossmint_auth_rules::{self as rules, SameSite, Setting, Settings};
use darling::Error;
use proc_macro2::{Span, TokenStream};
use syn::{FnArg, ItemFn, Pat, ReturnType, Type};

use crate::attr::{Arg, Args};

/// The validated settings. Optional settings are `None` when not given, so the generated
/// code spells out exactly what the user wrote and the runtime's defaults do the rest.
pub struct Config {
    pub refresh: String,
    pub logout: Option<String>,
    pub same_site: Option<SameSite>,
    pub secure: Option<bool>,
    pub http_only: Option<bool>,
    pub domain: Option<String>,
    pub path: Option<String>,
    pub jwt_cookie: Option<String>,
    pub refresh_cookie: Option<String>,
    pub partitioned: Option<bool>,
}

/// The annotated function and where its client comes from.
pub struct Function {
    pub item: ItemFn,
    /// The type the body returns, spelled out in a `let` when it can be (not `impl Trait`).
    pub router_type: Option<Type>,
    pub client: Client,
}

/// Where the generated routes get their `CrossmintAuth` client.
pub enum Client {
    /// Built from the environment when the router is built.
    FromEnv,
    /// The function's parameter `ident`, of type `ty` or `&ty`.
    Parameter { ident: syn::Ident, ty: Box<Type> },
}

/// Validates the arguments: every single-value error recorded while parsing, then the rules
/// between settings (only when every argument is known, and skipping rules that involve an
/// argument that is invalid on its own, so one mistake gives one error).
pub fn config(mut args: Args) -> darling::Result<Config> {
    let mut errors = Error::accumulator();
    for error in args.errors.drain(..) {
        errors.push(error);
    }
    let mut invalid = Vec::new();

    macro_rules! value {
        ($field:ident, $setting:ident, |$v:ident| $map:expr) => {
            take(&mut invalid, Setting::$setting, &args.$field).map(|$v| $map)
        };
    }
    let refresh = value!(refresh, Refresh, |v| v.0.clone());
    let logout = value!(logout, Logout, |v| v.0.clone());
    let same_site = value!(same_site, SameSite, |v| v.0);
    let secure = value!(secure, Secure, |v| v.0);
    let http_only = value!(http_only, HttpOnly, |v| v.0);
    let domain = value!(domain, Domain, |v| v.0.clone());
    let path = value!(path, Path, |v| v.0.clone());
    let jwt_cookie = value!(jwt_cookie, JwtCookie, |v| v.0.clone());
    let refresh_cookie = value!(refresh_cookie, RefreshCookie, |v| v.0.clone());
    let partitioned = value!(partitioned, Partitioned, |v| v.0);

    if !args.malformed {
        let defaults = Settings::DEFAULT;
        let settings = Settings {
            refresh: refresh.as_deref(),
            logout: logout.as_deref(),
            same_site: same_site.unwrap_or(defaults.same_site),
            secure: secure.unwrap_or(defaults.secure),
            http_only: http_only.unwrap_or(defaults.http_only),
            domain: domain.as_deref(),
            path: path.as_deref().unwrap_or(defaults.path),
            jwt_cookie: jwt_cookie.as_deref().unwrap_or(defaults.jwt_cookie),
            refresh_cookie: refresh_cookie.as_deref().unwrap_or(defaults.refresh_cookie),
            partitioned: partitioned.unwrap_or(defaults.partitioned),
        };
        for violation in rules::check_combination_of_valid(&settings, &invalid) {
            // Blame the argument the rule names; if that one was left at its default,
            // another argument of the rule that was written.
            let span = args
                .span(violation.setting())
                .or_else(|| {
                    Setting::ALL
                        .into_iter()
                        .filter(|&setting| violation.involves(setting))
                        .find_map(|setting| args.span(setting))
                })
                .unwrap_or_else(Span::call_site);
            errors.push(Error::custom(violation).with_span(&span));
        }
    }

    let finished = errors.finish();
    // `refresh` is `None` here only if it was invalid or missing, which is an error above.
    let refresh = match (finished, refresh) {
        (Ok(()), Some(refresh)) => refresh,
        (Err(error), _) => return Err(error),
        (Ok(()), None) => {
            return Err(Error::custom(rules::Violation::MissingRefresh));
        }
    };
    Ok(Config {
        refresh,
        logout,
        same_site,
        secure,
        http_only,
        domain,
        path,
        jwt_cookie,
        refresh_cookie,
        partitioned,
    })
}

/// The value of a given, valid argument; records an invalid one in `invalid` (its error is
/// already in `Args::errors`).
fn take<'a, T>(
    invalid: &mut Vec<Setting>,
    setting: Setting,
    arg: &'a Option<Arg<T>>,
) -> Option<&'a T> {
    match &arg.as_ref()?.value {
        Ok(value) => Some(value),
        Err(_) => {
            invalid.push(setting);
            None
        }
    }
}

/// Validates the annotated item: a function with a body and a return type, whose
/// `CrossmintAuth` parameter, if any, has a name.
pub fn function(item: TokenStream) -> darling::Result<Function> {
    let item: ItemFn = syn::parse2(item).map_err(|_| {
        Error::custom(
            "`#[crossmint_auth]` goes on the function that builds your app, returning an \
             `axum::Router`: `#[crossmint_auth(refresh = \"/api/refresh\", logout = \
             \"/api/logout\")] fn app() -> axum::Router { ... }`",
        )
    })?;
    let router_type = match &item.sig.output {
        ReturnType::Default => {
            return Err(Error::custom(format!(
                "`{}` returns nothing: `#[crossmint_auth]` adds its routes to the router the \
                 function returns; add `-> axum::Router` and return the router",
                item.sig.ident
            ))
            .with_span(&item.sig.ident));
        }
        ReturnType::Type(_, ty) => match ungroup(ty) {
            Type::ImplTrait(_) => None,
            _ => Some((**ty).clone()),
        },
    };
    let client = client(&item)?;
    Ok(Function {
        item,
        router_type,
        client,
    })
}

/// The first parameter whose type is `CrossmintAuth` or `&CrossmintAuth` (by the last
/// segment of its path), else the environment. A parameter that mentions `CrossmintAuth` in
/// another form (`Arc<CrossmintAuth>`, `impl AsRef<CrossmintAuth>`, ...) is an error rather
/// than silently ignored in favour of the environment.
fn client(item: &ItemFn) -> darling::Result<Client> {
    for input in &item.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let ty = match ungroup(&typed.ty) {
            Type::Reference(reference) => ungroup(&reference.elem),
            other => other,
        };
        let is_client = matches!(ty, Type::Path(path)
            if path.qself.is_none()
                && path.path.segments.last().is_some_and(|s| s.ident == "CrossmintAuth"
                    && s.arguments.is_none()));
        if !is_client {
            if mentions_client(&typed.ty) {
                return Err(Error::custom(
                    "`#[crossmint_auth]` takes its client as `auth: CrossmintAuth` or \
                     `auth: &CrossmintAuth`; other forms are not recognised (the routes would \
                     build a client from the environment instead): pass the client itself",
                )
                .with_span(&typed.ty));
            }
            continue;
        }
        return match &*typed.pat {
            Pat::Ident(pat) => Ok(Client::Parameter {
                ident: pat.ident.clone(),
                ty: Box::new(ty.clone()),
            }),
            other => Err(Error::custom(
                "name the `CrossmintAuth` parameter, e.g. `auth: CrossmintAuth`: the \
                 generated refresh and logout routes use it",
            )
            .with_span(other)),
        };
    }
    Ok(Client::FromEnv)
}

/// The type inside invisible groups (a `$t:ty` from `macro_rules!`) and parentheses.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(group) => ungroup(&group.elem),
        Type::Paren(paren) => ungroup(&paren.elem),
        other => other,
    }
}

/// Whether the identifier `CrossmintAuth` occurs anywhere in a type.
fn mentions_client(ty: &Type) -> bool {
    fn walk(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "CrossmintAuth",
            proc_macro2::TokenTree::Group(group) => walk(group.stream()),
            _ => false,
        })
    }
    walk(quote::ToTokens::to_token_stream(ty))
}
