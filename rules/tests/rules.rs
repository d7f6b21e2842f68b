//! Every rule, valid and invalid.

use crossmint_auth_rules::{
    check, check_combination, check_cookie_name, check_domain, check_path, check_route,
    parse_same_site, path_matches, SameSite, Setting, Settings, Violation,
};

fn settings() -> Settings<'static> {
    Settings {
        refresh: Some("/api/refresh"),
        logout: Some("/api/logout"),
        ..Settings::DEFAULT
    }
}

#[test]
fn headline_settings_are_valid() {
    assert_eq!(check(&settings()), vec![]);
    assert_eq!(
        check(&Settings {
            same_site: SameSite::Strict,
            ..settings()
        }),
        vec![]
    );
}

#[test]
fn same_site_parses_exactly() {
    assert_eq!(parse_same_site("Strict"), Ok(SameSite::Strict));
    assert_eq!(parse_same_site("Lax"), Ok(SameSite::Lax));
    assert_eq!(parse_same_site("None"), Ok(SameSite::None));
    assert_eq!(SameSite::default(), SameSite::Lax);
    for s in SameSite::ALL {
        assert_eq!(parse_same_site(s.as_str()), Ok(s));
        assert_eq!(s.to_string(), s.as_str());
    }
}

#[test]
fn same_site_suggests_the_closest() {
    let cases = [
        ("strict", Some(SameSite::Strict)),
        ("LAX", Some(SameSite::Lax)),
        ("none", Some(SameSite::None)),
        ("Strikt", Some(SameSite::Strict)),
        ("Laz", Some(SameSite::Lax)),
        ("Nne", Some(SameSite::None)),
        ("whatever", None),
        ("", None),
    ];
    for (value, suggestion) in cases {
        let violation = parse_same_site(value).unwrap_err();
        assert_eq!(
            violation,
            Violation::UnknownSameSite {
                value: value.into(),
                suggestion
            },
            "{value}"
        );
        assert_eq!(violation.setting(), Setting::SameSite);
        let message = violation.to_string();
        assert!(
            message.contains("\"Strict\", \"Lax\" or \"None\""),
            "{message}"
        );
    }
    assert_eq!(
        parse_same_site("strict").unwrap_err().to_string(),
        "unknown `same_site` value \"strict\": expected \"Strict\", \"Lax\" or \"None\"; \
         did you mean \"Strict\"?"
    );
}

#[test]
fn routes() {
    for route in ["/", "/api/refresh", "/auth/logout-all", "/a.b/c_d~e"] {
        assert_eq!(check_route(Setting::Refresh, route), Ok(()), "{route}");
    }
    let r = |route: &str| check_route(Setting::Logout, route).unwrap_err();
    assert_eq!(
        r(""),
        Violation::RouteEmpty {
            setting: Setting::Logout
        }
    );
    assert!(matches!(
        r("api/logout"),
        Violation::RouteNotAbsolute { .. }
    ));
    assert!(matches!(
        r("/api/ logout"),
        Violation::RouteWhitespace { .. }
    ));
    assert!(matches!(
        r("/api/logout\n"),
        Violation::RouteWhitespace { .. }
    ));
    assert!(matches!(r("/api/logout?x=1"), Violation::RouteQuery { .. }));
    assert!(matches!(
        r("/api/logout#x"),
        Violation::RouteFragment { .. }
    ));
    for (route, segment) in [
        ("/api/{id}", "{id}"),
        ("/api/{*rest}", "{*rest}"),
        ("/api/*rest", "*rest"),
        ("/api/:id/logout", ":id"),
    ] {
        assert_eq!(
            r(route),
            Violation::RouteCapture {
                setting: Setting::Logout,
                route: route.into(),
                segment: segment.into()
            }
        );
    }
    assert_eq!(r("").setting(), Setting::Logout);
    assert_eq!(
        r("api/logout").to_string(),
        "`logout = \"api/logout\"` does not start with `/`: axum routes are absolute paths, \
         write `logout = \"/api/logout\"`"
    );
}

#[test]
fn routes_must_differ() {
    let same = Settings {
        logout: Some("/api/refresh"),
        ..settings()
    };
    let violations = check_combination(&same);
    assert_eq!(
        violations,
        vec![Violation::RoutesEqual {
            route: "/api/refresh".into()
        }]
    );
    assert_eq!(violations[0].setting(), Setting::Logout);
}

#[test]
fn domains() {
    for domain in [
        "example.com",
        ".example.com",
        "auth.example.co.uk",
        "Example.COM",
        "xn--bcher-kva.example",
        "a-b.example.org",
        "1password.com",
    ] {
        assert_eq!(check_domain(domain), Ok(()), "{domain}");
    }
    let d = |domain: &str| check_domain(domain).unwrap_err();
    assert_eq!(d(""), Violation::DomainEmpty);
    assert!(matches!(
        d("https://example.com"),
        Violation::DomainScheme { .. }
    ));
    assert!(matches!(
        d("example.com:8080"),
        Violation::DomainPort { .. }
    ));
    assert!(matches!(d("example.com/app"), Violation::DomainPath { .. }));
    assert!(matches!(
        d("exa mple.com"),
        Violation::DomainWhitespace { .. }
    ));
    assert!(matches!(
        d(" example.com"),
        Violation::DomainWhitespace { .. }
    ));
    assert!(matches!(d("exa_mple.com"), Violation::DomainLabel { .. }));
    assert!(matches!(d("-example.com"), Violation::DomainLabel { .. }));
    assert!(matches!(d("example-.com"), Violation::DomainLabel { .. }));
    assert!(matches!(d("example..com"), Violation::DomainLabel { .. }));
    assert!(matches!(d("example.com."), Violation::DomainLabel { .. }));
    assert!(matches!(d("bücher.example"), Violation::DomainLabel { .. }));
    assert!(matches!(
        d(&format!("{}.com", "a".repeat(64))),
        Violation::DomainLabel { .. }
    ));
    assert_eq!(check_domain(&format!("{}.com", "a".repeat(63))), Ok(()));
    let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
    assert!(matches!(
        d(&long),
        Violation::DomainTooLong { len: 308, .. }
    ));
    assert!(matches!(
        d("localhost"),
        Violation::DomainSingleLabel { .. }
    ));
    assert!(matches!(d("com"), Violation::DomainSingleLabel { .. }));
    assert!(matches!(d(".com"), Violation::DomainSingleLabel { .. }));
    assert!(matches!(d("co.uk"), Violation::DomainPublicSuffix { .. }));
    assert!(matches!(d(".co.uk"), Violation::DomainPublicSuffix { .. }));
    assert!(matches!(
        d("github.io"),
        Violation::DomainPublicSuffix { .. }
    ));
    for ip in [
        "127.0.0.1",
        "10.0.0.1:80",
        "::1",
        "[::1]",
        "[::1]:443",
        "2001:db8::1",
    ] {
        assert!(matches!(d(ip), Violation::DomainIp { .. }), "{ip}");
    }
    assert_eq!(d("co.uk").setting(), Setting::Domain);
    assert_eq!(
        d("https://example.com/app").to_string(),
        "`domain = \"https://example.com/app\"` contains a URL scheme: a cookie domain is a \
         bare host name, write `domain = \"example.com\"`"
    );
    assert!(d("example.com:8080")
        .to_string()
        .contains("`domain = \"example.com\"`"));
}

#[test]
fn cookie_names() {
    for name in [
        "crossmint-jwt",
        "__Secure-jwt",
        "__Host-refresh",
        "a!#$%&'*+-.^_`|~9",
    ] {
        assert_eq!(
            check_cookie_name(Setting::JwtCookie, name),
            Ok(()),
            "{name}"
        );
    }
    let n = |name: &str| check_cookie_name(Setting::RefreshCookie, name).unwrap_err();
    assert_eq!(
        n(""),
        Violation::CookieNameEmpty {
            setting: Setting::RefreshCookie
        }
    );
    for (name, character) in [
        ("a b", ' '),
        ("a;b", ';'),
        ("a=b", '='),
        ("jwt\"", '"'),
        ("é", 'é'),
    ] {
        assert_eq!(
            n(name),
            Violation::CookieNameCharacter {
                setting: Setting::RefreshCookie,
                name: name.into(),
                character
            }
        );
    }
    assert_eq!(
        n("__secure-x"),
        Violation::CookiePrefixCase {
            setting: Setting::RefreshCookie,
            name: "__secure-x".into(),
            prefix: "__Secure-"
        }
    );
    assert!(matches!(
        n("__HOST-x"),
        Violation::CookiePrefixCase {
            prefix: "__Host-",
            ..
        }
    ));
    assert_eq!(n("x y").setting(), Setting::RefreshCookie);
    assert_eq!(
        n("__secure-x").to_string(),
        "`refresh_cookie = \"__secure-x\"`: browsers treat `__secure-` as the `__Secure-` \
         prefix whatever its case, so it must be spelled `__Secure-`"
    );
}

#[test]
fn cookie_names_must_differ() {
    let same = Settings {
        jwt_cookie: "session",
        refresh_cookie: "session",
        ..settings()
    };
    let violations = check_combination(&same);
    assert_eq!(
        violations,
        vec![Violation::CookieNamesEqual {
            name: "session".into()
        }]
    );
    assert_eq!(violations[0].setting(), Setting::RefreshCookie);
}

#[test]
fn paths() {
    for path in ["/", "/api", "/api/", "/a%20b", "/~user/@x"] {
        assert_eq!(check_path(path), Ok(()), "{path}");
    }
    assert!(matches!(
        check_path(""),
        Err(Violation::PathNotAbsolute { .. })
    ));
    assert!(matches!(
        check_path("api"),
        Err(Violation::PathNotAbsolute { .. })
    ));
    assert!(matches!(
        check_path("/api;x"),
        Err(Violation::PathSemicolon { .. })
    ));
    assert!(matches!(
        check_path("/api\u{7f}"),
        Err(Violation::PathControl { .. })
    ));
    assert!(matches!(
        check_path("/api\n"),
        Err(Violation::PathControl { .. })
    ));
    assert_eq!(check_path("api").unwrap_err().setting(), Setting::Path);
}

#[test]
fn path_match_follows_rfc_6265() {
    assert!(path_matches("/", "/api/refresh"));
    assert!(path_matches("/api", "/api"));
    assert!(path_matches("/api", "/api/refresh"));
    assert!(path_matches("/api/", "/api/refresh"));
    assert!(!path_matches("/api", "/apix"));
    assert!(!path_matches("/api/", "/api"));
    assert!(!path_matches("/auth", "/api/refresh"));
}

#[test]
fn path_must_cover_both_routes() {
    assert_eq!(
        check(&Settings {
            path: "/api",
            ..settings()
        }),
        vec![]
    );
    let violations = check(&Settings {
        path: "/api",
        refresh: Some("/apix/refresh"),
        logout: Some("/auth/logout"),
        ..settings()
    });
    assert_eq!(violations.len(), 2);
    assert!(violations.iter().all(|v| v.setting() == Setting::Path));
    assert_eq!(
        violations[1].to_string(),
        "`path = \"/api\"` does not cover `logout = \"/auth/logout\"`: browsers would never \
         send the cookies to that route; choose a path both routes start with, e.g. \
         `path = \"/\"`"
    );
}

#[test]
fn same_site_none_needs_secure() {
    let none = Settings {
        same_site: SameSite::None,
        ..settings()
    };
    assert_eq!(check(&none), vec![]);
    let violations = check(&Settings {
        secure: false,
        ..none
    });
    assert_eq!(violations, vec![Violation::SameSiteNoneInsecure]);
    assert_eq!(violations[0].setting(), Setting::SameSite);
    assert_eq!(
        violations[0].to_string(),
        "`SameSite=None` cookies are rejected by browsers unless they are `Secure`: set \
         `secure = true` or choose `same_site = \"Lax\"`"
    );
    assert_eq!(
        check(&Settings {
            secure: false,
            ..settings()
        }),
        vec![]
    );
}

#[test]
fn partitioned_needs_secure() {
    assert_eq!(
        check(&Settings {
            partitioned: true,
            ..settings()
        }),
        vec![]
    );
    let violations = check(&Settings {
        partitioned: true,
        secure: false,
        ..settings()
    });
    assert_eq!(violations, vec![Violation::PartitionedInsecure]);
    assert_eq!(violations[0].setting(), Setting::Partitioned);
}

#[test]
fn secure_prefix_needs_secure() {
    let prefixed = Settings {
        jwt_cookie: "__Secure-jwt",
        ..settings()
    };
    assert_eq!(check(&prefixed), vec![]);
    let violations = check(&Settings {
        secure: false,
        ..prefixed
    });
    assert_eq!(
        violations,
        vec![Violation::SecurePrefixInsecure {
            setting: Setting::JwtCookie,
            name: "__Secure-jwt".into()
        }]
    );
    assert_eq!(violations[0].setting(), Setting::JwtCookie);
    // A miscapitalised prefix is one error of its own in `check` ...
    let lower = Settings {
        jwt_cookie: "__secure-jwt",
        secure: false,
        ..settings()
    };
    assert!(matches!(
        check(&lower)[..],
        [Violation::CookiePrefixCase { .. }]
    ));
    // ... and still gets the prefix's requirements, as in browsers.
    assert!(matches!(
        check_combination(&lower)[..],
        [Violation::SecurePrefixInsecure { .. }]
    ));
}

#[test]
fn host_prefix_needs_secure_no_domain_and_root_path() {
    let host = Settings {
        refresh_cookie: "__Host-refresh",
        ..settings()
    };
    assert_eq!(check(&host), vec![]);
    let all = check(&Settings {
        secure: false,
        domain: Some("example.com"),
        path: "/api",
        ..host
    });
    let blamed: Vec<Setting> = all.iter().map(Violation::setting).collect();
    assert_eq!(
        blamed,
        vec![Setting::RefreshCookie, Setting::Domain, Setting::Path]
    );
    assert!(matches!(all[0], Violation::HostPrefixInsecure { .. }));
    assert!(matches!(all[1], Violation::HostPrefixDomain { .. }));
    assert!(matches!(all[2], Violation::HostPrefixPath { .. }));
    let lower = Settings {
        refresh_cookie: "__host-refresh",
        domain: Some("example.com"),
        ..settings()
    };
    assert!(matches!(
        check_combination(&lower)[..],
        [Violation::HostPrefixDomain { .. }]
    ));
}

#[test]
fn missing_routes() {
    let violations = check(&Settings::DEFAULT);
    assert_eq!(
        violations,
        vec![Violation::MissingRefresh, Violation::MissingLogout]
    );
    assert_eq!(violations[0].setting(), Setting::Refresh);
    assert_eq!(violations[1].setting(), Setting::Logout);
    let no_logout = Settings {
        logout: None,
        ..settings()
    };
    assert_eq!(check(&no_logout), vec![Violation::MissingLogout]);
    assert_eq!(
        check(&Settings {
            http_only: false,
            ..no_logout
        }),
        vec![]
    );
}

#[test]
fn check_skips_rules_on_invalid_values() {
    let violations = check(&Settings {
        path: "api",
        ..settings()
    });
    assert_eq!(
        violations,
        vec![Violation::PathNotAbsolute { path: "api".into() }]
    );
    let violations = check(&Settings {
        domain: Some("co.uk"),
        refresh_cookie: "__Host-r",
        ..settings()
    });
    assert!(matches!(
        violations[..],
        [Violation::DomainPublicSuffix { .. }]
    ));
}

#[test]
fn every_setting_has_its_argument_name() {
    for setting in Setting::ALL {
        assert_eq!(Setting::from_name(setting.name()), Some(setting));
        assert_eq!(setting.to_string(), setting.name());
    }
    assert_eq!(Setting::SameSite.name(), "same_site");
    assert_eq!(Setting::from_name("secur"), None);
}

#[test]
fn violations_are_errors() {
    let error: Box<dyn std::error::Error> = Box::new(Violation::MissingRefresh);
    assert!(error.to_string().starts_with("missing `refresh`"));
}

#[test]
fn routes_and_paths_are_what_browsers_send() {
    use crossmint_auth_rules::{check_path, check_route, Setting, Violation};
    for route in ["/api/ré", "/api/a|b", "/api/<x>", "/api/\"q\""] {
        assert!(
            matches!(
                check_route(Setting::Refresh, route),
                Err(Violation::RouteCharacter { .. })
            ),
            "{route}"
        );
    }
    for route in ["/api/../refresh", "/./refresh"] {
        assert!(
            matches!(
                check_route(Setting::Logout, route),
                Err(Violation::RouteDotSegment { .. })
            ),
            "{route}"
        );
    }
    assert!(check_route(Setting::Refresh, "/api/v1.0/refresh~x").is_ok());
    assert!(matches!(
        check_path("/a b"),
        Err(Violation::PathCharacter { character: ' ', .. })
    ));
    assert!(matches!(
        check_path(&format!("/{}", "a".repeat(1024))),
        Err(Violation::PathTooLong { len: 1025 })
    ));
}

#[test]
fn hosts_ending_in_a_number_are_ip_addresses() {
    use crossmint_auth_rules::{check_domain, Violation};
    for domain in ["127.1", "1.2.3", "0x7f.0.0.1", "example.123"] {
        assert!(
            matches!(check_domain(domain), Err(Violation::DomainIp { .. })),
            "{domain}"
        );
    }
    assert!(check_domain("123.example.com").is_ok());
}
