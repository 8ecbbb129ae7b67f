//! `X-Auth-Token`: the caller's token against the configured ones, in constant time.

use subtle::ConstantTimeEq;

use crate::error::Error;

/// Longest token looked at; a longer header is refused without comparing.
pub const MAX_TOKEN_LEN: usize = 4096;

/// The accepted tokens. Empty: no authentication (the server then only listens on loopback).
#[derive(Clone)]
pub struct Auth {
    tokens: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Auth {
    // Never print the tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth").field("tokens", &self.tokens.len()).finish()
    }
}

impl Auth {
    pub fn new<S: AsRef<str>>(tokens: &[S]) -> Self {
        Auth { tokens: tokens.iter().map(|t| t.as_ref().as_bytes().to_vec()).collect() }
    }

    /// Whether tokens are required at all.
    pub fn required(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// Checks the `X-Auth-Token` header's value (absent = `None`). Every configured token is
    /// compared, each in constant time for its length, so timing tells neither which token
    /// matched nor how much of one did.
    pub fn check(&self, header: Option<&[u8]>) -> Result<(), Error> {
        if !self.required() {
            return Ok(());
        }
        let given = match header {
            Some(h) if !h.is_empty() && h.len() <= MAX_TOKEN_LEN => h,
            _ => return Err(Error::Unauthorized),
        };
        let mut ok = subtle::Choice::from(0);
        for t in &self.tokens {
            // `ct_eq` on slices of different lengths is false (the length is not secret).
            ok |= t.as_slice().ct_eq(given);
        }
        if bool::from(ok) { Ok(()) } else { Err(Error::Unauthorized) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_tokens_means_open() {
        let a = Auth::new::<&str>(&[]);
        assert!(!a.required());
        assert!(a.check(None).is_ok());
        assert!(a.check(Some(b"anything")).is_ok());
    }

    #[test]
    fn tokens_are_checked_exactly() {
        let a = Auth::new(&["0123456789abcdef", "fedcba9876543210-second"]);
        assert!(a.check(Some(b"0123456789abcdef")).is_ok());
        assert!(a.check(Some(b"fedcba9876543210-second")).is_ok());
        for bad in [&b""[..], b"0123456789abcde", b"0123456789abcdeg", b"0123456789abcdef0", b"fedcba9876543210"] {
            let e = a.check(Some(bad)).unwrap_err();
            assert_eq!(e.api_code().code(), "APIG.0301");
        }
        assert!(a.check(None).is_err());
        assert!(a.check(Some(&vec![b'a'; MAX_TOKEN_LEN + 1])).is_err());
        assert!(!format!("{a:?}").contains("0123"));
    }
}
