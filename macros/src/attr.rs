//! The attribute's arguments, parsed: one field per argument, each single value checked by
//! its own `FromMeta` newtype as it is parsed.

use std::marker::PhantomData;

use crossmint_auth_rules::{self as rules, Setting, Violation};
use darling::ast::NestedMeta;
use darling::{Error, FromMeta};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Expr, Lit, Meta};

/// The arguments of `#[crossmint_auth(...)]` as written.
///
/// Parsing never stops at the first problem: a bad value is kept as an error in its
/// [`Arg`], and every error (bad values, unknown or duplicated arguments) is also collected
/// in `errors` in source order, so that validation can report everything in one compile.
#[derive(Default)]
pub struct Args {
    pub refresh: Option<Arg<Route<RefreshArg>>>,
    pub logout: Option<Arg<Route<LogoutArg>>>,
    pub same_site: Option<Arg<SameSiteValue>>,
    pub secure: Option<Arg<Flag<SecureArg>>>,
    pub http_only: Option<Arg<Flag<HttpOnlyArg>>>,
    pub domain: Option<Arg<Domain>>,
    pub path: Option<Arg<CookiePath>>,
    pub jwt_cookie: Option<Arg<CookieName<JwtCookieArg>>>,
    pub refresh_cookie: Option<Arg<CookieName<RefreshCookieArg>>>,
    pub partitioned: Option<Arg<Flag<PartitionedArg>>>,
    /// Every error found while parsing, in source order.
    pub errors: Vec<Error>,
    /// Whether an argument is unknown or duplicated, or an item is not `name = value`: the
    /// list is not what the user meant, so rules between arguments are not checked.
    pub malformed: bool,
}

impl Args {
    /// Parses the tokens between the attribute's parentheses.
    pub fn parse(tokens: TokenStream) -> darling::Result<Args> {
        let items = NestedMeta::parse_meta_list(tokens)?;
        Args::from_list(&items)
    }

    /// The span of the literal given for `setting`, if it was given.
    pub fn span(&self, setting: Setting) -> Option<Span> {
        fn span<T>(arg: &Option<Arg<T>>) -> Option<Span> {
            arg.as_ref().map(|arg| arg.span)
        }
        match setting {
            Setting::Refresh => span(&self.refresh),
            Setting::Logout => span(&self.logout),
            Setting::SameSite => span(&self.same_site),
            Setting::Secure => span(&self.secure),
            Setting::HttpOnly => span(&self.http_only),
            Setting::Domain => span(&self.domain),
            Setting::Path => span(&self.path),
            Setting::JwtCookie => span(&self.jwt_cookie),
            Setting::RefreshCookie => span(&self.refresh_cookie),
            Setting::Partitioned => span(&self.partitioned),
        }
    }
}

/// The message for an unknown argument: a "did you mean" when one is close, and the list.
fn unknown(name: &str) -> String {
    let hint = Setting::closest(name)
        .map(|setting| format!("did you mean `{setting}`? "))
        .unwrap_or_default();
    let all = Setting::ALL
        .map(|setting| format!("`{setting}`"))
        .join(", ");
    format!("unknown argument `{name}`: {hint}the arguments are {all}")
}

impl FromMeta for Args {
    /// Never fails: every problem is recorded in the arguments (see [`Args`]).
    fn from_list(items: &[NestedMeta]) -> darling::Result<Self> {
        let mut args = Args::default();
        for item in items {
            let meta = match item {
                NestedMeta::Meta(meta) => meta,
                NestedMeta::Lit(lit) => {
                    args.malformed = true;
                    args.errors.push(
                        Error::custom(
                            "expected `name = value` arguments, \
                             e.g. `refresh = \"/api/refresh\"`",
                        )
                        .with_span(lit),
                    );
                    continue;
                }
            };
            let path = meta.path();
            let name = darling::util::path_to_string(path);
            let Some(setting) = Setting::from_name(&name) else {
                args.malformed = true;
                args.errors
                    .push(Error::custom(unknown(&name)).with_span(path));
                continue;
            };
            let error = match setting {
                Setting::Refresh => set(&mut args.refresh, setting, meta),
                Setting::Logout => set(&mut args.logout, setting, meta),
                Setting::SameSite => set(&mut args.same_site, setting, meta),
                Setting::Secure => set(&mut args.secure, setting, meta),
                Setting::HttpOnly => set(&mut args.http_only, setting, meta),
                Setting::Domain => set(&mut args.domain, setting, meta),
                Setting::Path => set(&mut args.path, setting, meta),
                Setting::JwtCookie => set(&mut args.jwt_cookie, setting, meta),
                Setting::RefreshCookie => set(&mut args.refresh_cookie, setting, meta),
                Setting::Partitioned => set(&mut args.partitioned, setting, meta),
            };
            match error {
                Parsed::Ok => {}
                Parsed::Invalid(error) => args.errors.push(error),
                Parsed::Duplicate => {
                    args.malformed = true;
                    args.errors.push(
                        Error::custom(format!(
                            "`{name}` is given more than once: keep a single `{name} = ...`"
                        ))
                        .with_span(path),
                    );
                }
            }
        }
        Ok(args)
    }
}

/// What [`set`] made of an argument.
enum Parsed {
    Ok,
    /// The value is invalid: the error (also kept in the argument).
    Invalid(Error),
    /// The argument was given before; the first one is kept.
    Duplicate,
}

/// Parses `meta` into `slot`, unless the slot was already taken.
fn set<T: FromMeta>(slot: &mut Option<Arg<T>>, setting: Setting, meta: &Meta) -> Parsed {
    if slot.is_some() {
        return Parsed::Duplicate;
    }
    let arg = slot.insert(Arg::parse(setting, meta));
    match &arg.value {
        Ok(_) => Parsed::Ok,
        Err(error) => Parsed::Invalid(error.clone()),
    }
}

/// One argument as written: its value, or the error it was rejected with, and the span of
/// its literal (where errors about it point).
pub struct Arg<T> {
    pub value: darling::Result<T>,
    pub span: Span,
}

impl<T: FromMeta> Arg<T> {
    fn parse(setting: Setting, meta: &Meta) -> Arg<T> {
        match meta {
            Meta::NameValue(name_value) => {
                let expr = ungroup(&name_value.value);
                let value = match expr {
                    Expr::Lit(lit) => T::from_value(&lit.lit),
                    other => Err(Error::custom(format!(
                        "`{setting}` takes a literal: the attribute sees tokens, not the values \
                         of constants or expressions; write `{setting} = {}`",
                        example(setting)
                    ))
                    .with_span(other)),
                };
                Arg {
                    value,
                    span: expr.span(),
                }
            }
            other => Arg {
                value: Err(Error::custom(format!(
                    "`{setting}` takes a value: write `{setting} = {}`",
                    example(setting)
                ))
                .with_span(other)),
                span: other.span(),
            },
        }
    }
}

/// The expression inside invisible groups (from `macro_rules!` fragments).
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        other => other,
    }
}

/// A value to show in messages about `setting`.
fn example(setting: Setting) -> &'static str {
    match setting {
        Setting::Refresh => "\"/api/refresh\"",
        Setting::Logout => "\"/api/logout\"",
        Setting::SameSite => "\"Lax\"",
        Setting::Domain => "\"example.com\"",
        Setting::Path => "\"/\"",
        Setting::JwtCookie => "\"crossmint-jwt\"",
        Setting::RefreshCookie => "\"crossmint-refresh-token\"",
        Setting::Secure | Setting::HttpOnly | Setting::Partitioned => "true",
    }
}

/// The string in `lit`, or an error saying `setting` takes a string.
fn string(setting: Setting, lit: &Lit) -> darling::Result<String> {
    match lit {
        Lit::Str(lit) => Ok(lit.value()),
        other => Err(Error::custom(format!(
            "`{setting}` takes a string literal: write `{setting} = {}`",
            example(setting)
        ))
        .with_span(other)),
    }
}

/// A rule violation as a darling error, spanned on `lit`.
fn violation(violation: Violation, lit: &Lit) -> Error {
    Error::custom(violation).with_span(lit)
}

/// The argument a newtype stands for, known at compile time so that messages can name it.
pub trait Argument {
    /// The argument.
    const SETTING: Setting;
}

macro_rules! arguments {
    ($($(#[$doc:meta])* $marker:ident => $setting:ident,)*) => {$(
        $(#[$doc])*
        pub struct $marker;
        impl Argument for $marker {
            const SETTING: Setting = Setting::$setting;
        }
    )*};
}

arguments! {
    /// `refresh`.
    RefreshArg => Refresh,
    /// `logout`.
    LogoutArg => Logout,
    /// `secure`.
    SecureArg => Secure,
    /// `http_only`.
    HttpOnlyArg => HttpOnly,
    /// `jwt_cookie`.
    JwtCookieArg => JwtCookie,
    /// `refresh_cookie`.
    RefreshCookieArg => RefreshCookie,
    /// `partitioned`.
    PartitionedArg => Partitioned,
}

/// A route (`refresh` or `logout`) that passed [`rules::check_route`].
pub struct Route<A>(pub String, PhantomData<A>);

impl<A: Argument> FromMeta for Route<A> {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let route = string(A::SETTING, lit)?;
        rules::check_route(A::SETTING, &route).map_err(|v| violation(v, lit))?;
        Ok(Route(route, PhantomData))
    }
}

/// A cookie name (`jwt_cookie` or `refresh_cookie`) that passed [`rules::check_cookie_name`].
pub struct CookieName<A>(pub String, PhantomData<A>);

impl<A: Argument> FromMeta for CookieName<A> {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let name = string(A::SETTING, lit)?;
        rules::check_cookie_name(A::SETTING, &name).map_err(|v| violation(v, lit))?;
        Ok(CookieName(name, PhantomData))
    }
}

/// A `domain` that passed [`rules::check_domain`].
pub struct Domain(pub String);

impl FromMeta for Domain {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let domain = string(Setting::Domain, lit)?;
        rules::check_domain(&domain).map_err(|v| violation(v, lit))?;
        Ok(Domain(domain))
    }
}

/// A cookie `path` that passed [`rules::check_path`].
pub struct CookiePath(pub String);

impl FromMeta for CookiePath {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let path = string(Setting::Path, lit)?;
        rules::check_path(&path).map_err(|v| violation(v, lit))?;
        Ok(CookiePath(path))
    }
}

/// A `same_site` value, parsed by [`rules::parse_same_site`].
pub struct SameSiteValue(pub rules::SameSite);

impl FromMeta for SameSiteValue {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let value = string(Setting::SameSite, lit)?;
        let same_site = rules::parse_same_site(&value).map_err(|v| violation(v, lit))?;
        Ok(SameSiteValue(same_site))
    }
}

/// A bool argument (`secure`, `http_only`, `partitioned`).
pub struct Flag<A>(pub bool, PhantomData<A>);

impl<A: Argument> FromMeta for Flag<A> {
    fn from_value(lit: &Lit) -> darling::Result<Self> {
        let setting = A::SETTING;
        match lit {
            Lit::Bool(lit) => Ok(Flag(lit.value, PhantomData)),
            Lit::Str(text) if matches!(text.value().as_str(), "true" | "false") => {
                Err(Error::custom(format!(
                    "`{setting}` takes a bool, not a string: write `{setting} = {}` without \
                     quotes",
                    text.value()
                ))
                .with_span(lit))
            }
            other => Err(Error::custom(format!(
                "`{setting}` takes a bool: write `{setting} = true` or `{setting} = false`"
            ))
            .with_span(other)),
        }
    }
}
