//! Query parameters shared by pages and API: filters, sort, page; empty
//! form fields mean "any".

use crate::error::Failure;
use incidex_store::{Filter, ListQuery, Sort, Taxonomy};
use serde::Deserialize;

/// Filters of the incident list, statistics and exports.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub sector: Option<String>,
    pub malware: Option<String>,
    pub org: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub watched: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub taxonomy: Option<String>,
    pub month: Option<String>,
    pub by: Option<String>,
    pub format: Option<String>,
}

/// `Some(v)` for a non-empty value.
pub fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A yes/no parameter: `1`, `true`, `yes` or `on` (any case) is yes.
pub fn flag(v: &Option<String>) -> bool {
    given(v).is_some_and(|s| {
        ["1", "true", "yes", "on"]
            .iter()
            .any(|y| s.eq_ignore_ascii_case(y))
    })
}

fn number(name: &str, v: &Option<String>, default: usize) -> Result<usize, Failure> {
    match given(v) {
        None => Ok(default),
        Some(s) => s.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            Failure::bad_request(format!(
                "{name} {s:?}: expected a whole number of 1 or more"
            ))
        }),
    }
}

impl ListParams {
    pub fn filter(&self) -> Result<Filter, Failure> {
        let f = Filter {
            category: given(&self.category),
            sector: given(&self.sector),
            malware: given(&self.malware),
            org: given(&self.org),
            since: given(&self.since),
            until: given(&self.until),
        };
        f.validate()?;
        Ok(f)
    }

    pub fn watched_only(&self) -> bool {
        flag(&self.watched)
    }

    pub fn sort(&self) -> Result<Sort, Failure> {
        match given(&self.sort) {
            None if given(&self.q).is_some() => Ok(Sort::Relevance),
            None => Ok(Sort::Disclosed),
            Some(s) => Sort::parse(&s).ok_or_else(|| {
                Failure::bad_request(format!(
                    "sort {s:?}: expected relevance, disclosed, disclosed_asc or affected"
                ))
            }),
        }
    }

    pub fn taxonomy(&self) -> Result<Taxonomy, Failure> {
        match given(&self.taxonomy) {
            None => Ok(Taxonomy::Incidex),
            Some(s) => Taxonomy::parse(&s).ok_or_else(|| {
                Failure::bad_request(format!(
                    "taxonomy {s:?}: expected incidex, tsr, jnsa or veris"
                ))
            }),
        }
    }

    /// The month asked for, checked (YYYY-MM).
    pub fn month(&self) -> Result<Option<String>, Failure> {
        match given(&self.month) {
            None => Ok(None),
            Some(m) => {
                let ok = m.is_ascii()
                    && m.len() == 7
                    && m.as_bytes()[4] == b'-'
                    && m[..4].bytes().all(|b| b.is_ascii_digit())
                    && m[5..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n));
                if ok {
                    Ok(Some(m))
                } else {
                    Err(Failure::bad_request(format!(
                        "month {m:?}: expected YYYY-MM"
                    )))
                }
            }
        }
    }

    pub fn list_query(&self, per_page_default: usize) -> Result<ListQuery, Failure> {
        let per_page = number("per_page", &self.per_page, per_page_default)?;
        if per_page > 200 {
            return Err(Failure::bad_request("per_page: at most 200"));
        }
        Ok(ListQuery {
            text: given(&self.q).unwrap_or_default(),
            filter: self.filter()?,
            watched_only: self.watched_only(),
            sort: self.sort()?,
            page: number("page", &self.page, 1)?,
            per_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_any() {
        let p = ListParams {
            category: Some(String::new()),
            q: Some("  ".into()),
            ..Default::default()
        };
        let q = p.list_query(20).unwrap();
        assert!(q.filter.category.is_none());
        assert_eq!(q.sort, Sort::Disclosed);
        assert_eq!(q.page, 1);
    }

    #[test]
    fn flags_read_yes_the_same_everywhere() {
        for yes in ["1", "true", "yes", "on", " TRUE ", "On"] {
            assert!(flag(&Some(yes.into())), "{yes}");
            let p = ListParams {
                watched: Some(yes.into()),
                ..Default::default()
            };
            assert!(p.watched_only(), "{yes}");
        }
        for no in ["", "0", "false", "no", "off", "y"] {
            assert!(!flag(&Some(no.into())), "{no}");
        }
        assert!(!flag(&None));
    }

    #[test]
    fn bad_values_are_named() {
        let p = ListParams {
            page: Some("zero".into()),
            ..Default::default()
        };
        assert!(p.list_query(20).unwrap_err().message.contains("page"));
        let p = ListParams {
            month: Some("2024-13".into()),
            ..Default::default()
        };
        assert!(p.month().is_err());
        for bad in ["1€-1234", "２０２４-01", "2024/01"] {
            let p = ListParams {
                month: Some(bad.into()),
                ..Default::default()
            };
            assert!(p.month().is_err(), "{bad}");
        }
        let p = ListParams {
            since: Some("last week".into()),
            ..Default::default()
        };
        assert!(p.filter().unwrap_err().message.contains("since"));
    }
}
