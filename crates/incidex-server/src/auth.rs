//! The write token: `Authorization: Bearer …` for the API, an HttpOnly
//! SameSite=Strict cookie (set by /login) or a `token` form field for pages.
//! Without a configured token every write is refused.

use crate::error::Failure;
use crate::state::AppState;
use axum::http::{header, HeaderMap, StatusCode};

pub const COOKIE: &str = "incidex_token";

/// Compares without stopping at the first difference, so timing tells
/// nothing about how much of a guess was right.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a request carries, from the header or the cookie.
fn presented(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
    }
    cookie(headers, COOKIE)
}

/// A cookie's value.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the request may write (`form_token`: a token typed in a form).
pub fn check(
    state: &AppState,
    headers: &HeaderMap,
    form_token: Option<&str>,
) -> Result<(), Failure> {
    let Some(expected) = state.config.token.as_deref() else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "writes are disabled: start `incidex serve` with --token or INCIDEX_TOKEN to allow them",
        ));
    };
    let given = form_token
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| presented(headers));
    match given {
        Some(t) if same(&t, expected) => Ok(()),
        Some(_) => Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "the token is not valid",
        )),
        None => Err(Failure::new(
            StatusCode::UNAUTHORIZED,
            "this needs the token: log in at /login, or send `Authorization: Bearer <token>`",
        )),
    }
}

/// Whether the request carries the valid token (for showing write forms).
pub fn logged_in(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.token.is_some() && check(state, headers, None).is_ok()
}

/// Whether a token is valid (login form).
pub fn valid(state: &AppState, token: &str) -> bool {
    state
        .config
        .token
        .as_deref()
        .is_some_and(|t| same(t, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; incidex_token=s3cret; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("s3cret"));
        assert_eq!(cookie(&h, "zz"), None);
    }
}
