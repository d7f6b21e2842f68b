//! The two checked-in RSA keys, their published JWKs, and JWT signing.

use std::sync::OnceLock;

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::SigningKey;

/// One signing key: its private half and its public JWK as published.
struct KeyPair {
    encoding: EncodingKey,
    jwk: Value,
}

const PRIMARY_PEM: &str = include_str!("../keys/primary.pem");
const SECONDARY_PEM: &str = include_str!("../keys/secondary.pem");

fn load(pem: &str, kid: &str) -> KeyPair {
    let encoding = EncodingKey::from_rsa_pem(pem.as_bytes())
        .expect("checked-in testkit key is a valid RSA PKCS#8 PEM");
    let jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256)
        .expect("public components of a checked-in RSA key");
    let AlgorithmParameters::RSA(rsa) = jwk.algorithm else {
        unreachable!("an RSA key yields RSA JWK parameters")
    };
    KeyPair {
        encoding,
        jwk: json!({
            "kty": "RSA",
            "kid": kid,
            "use": "sig",
            "alg": "RS256",
            "n": rsa.n,
            "e": rsa.e,
        }),
    }
}

fn pair(key: SigningKey) -> &'static KeyPair {
    static PRIMARY: OnceLock<KeyPair> = OnceLock::new();
    static SECONDARY: OnceLock<KeyPair> = OnceLock::new();
    match key {
        SigningKey::Primary => PRIMARY.get_or_init(|| load(PRIMARY_PEM, key.kid())),
        SigningKey::Secondary => SECONDARY.get_or_init(|| load(SECONDARY_PEM, key.kid())),
    }
}

/// The public JWK of `key`, as served in `/.well-known/jwks.json`.
pub(crate) fn jwk(key: SigningKey) -> Value {
    pair(key).jwk.clone()
}

/// Signs `claims` with `key` (RS256, `kid` in the header).
pub(crate) fn sign(claims: &Value, key: SigningKey) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid().to_owned());
    jsonwebtoken::encode(&header, claims, &pair(key).encoding)
        .expect("RS256 signing with a checked-in key does not fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, decode_header, DecodingKey, Validation};

    #[test]
    fn published_jwk_verifies_a_signed_token() {
        for key in [SigningKey::Primary, SigningKey::Secondary] {
            let token = sign(
                &json!({"sub": "u1", "aud": "p", "exp": 4_000_000_000_u64}),
                key,
            );
            assert_eq!(
                decode_header(&token).unwrap().kid.as_deref(),
                Some(key.kid())
            );
            let jwk: Jwk = serde_json::from_value(jwk(key)).unwrap();
            let mut validation = Validation::new(Algorithm::RS256);
            validation.set_audience(&["p"]);
            let data = decode::<Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation)
                .unwrap();
            assert_eq!(data.claims["sub"], "u1");
        }
    }

    #[test]
    fn keys_are_distinct() {
        assert_ne!(
            jwk(SigningKey::Primary)["n"],
            jwk(SigningKey::Secondary)["n"]
        );
        let token = sign(&json!({"exp": 4_000_000_000_u64}), SigningKey::Secondary);
        let primary: Jwk = serde_json::from_value(jwk(SigningKey::Primary)).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        assert!(decode::<Value>(
            &token,
            &DecodingKey::from_jwk(&primary).unwrap(),
            &validation
        )
        .is_err());
    }
}
