//! Keyset pagination: `?limit=N&after=CURSOR`; the response carries `next` when there is more.

use super::problem::Problem;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// `after` as the numeric id of the last `noun` seen (lists ordered by id), if given.
    pub fn after_id(&self, noun: &str) -> Result<Option<i64>, Problem> {
        self.after
            .as_deref()
            .map(|cursor| {
                cursor.parse::<i64>().map_err(|_| {
                    Problem::bad_request(format!("`after` must be a {noun} id taken from `next`"))
                })
            })
            .transpose()
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// `records` was fetched with `limit + 1` rows: the extra row only says a next page exists.
    pub fn of<R>(
        mut records: Vec<R>,
        limit: i64,
        cursor: impl Fn(&R) -> String,
        view: impl Fn(R) -> T,
    ) -> Page<T> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = records.len() > limit;
        records.truncate(limit);
        let next = more.then(|| records.last().map(&cursor)).flatten();
        Page {
            items: records.into_iter().map(view).collect(),
            next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_row_becomes_a_cursor() {
        let page = Page::of(vec![1, 2, 3], 2, |n| n.to_string(), |n| n * 10);
        assert_eq!(page.items, [10, 20]);
        assert_eq!(page.next.as_deref(), Some("2"));
        let last = Page::of(vec![1, 2], 2, |n| n.to_string(), |n| n);
        assert_eq!(last.next, None);
    }

    #[test]
    fn limits_are_clamped() {
        let q = |limit| PageQuery { limit, after: None }.limit();
        assert_eq!(q(None), DEFAULT_LIMIT);
        assert_eq!(q(Some(0)), 1);
        assert_eq!(q(Some(10_000)), MAX_LIMIT);
    }
}
