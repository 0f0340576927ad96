//! Watch: feeds and listing pages in, alerts out.
