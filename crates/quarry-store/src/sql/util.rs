//! Small helpers shared by the SQL modules: a statement builder with numbered
//! placeholders, keyset paging, and JSON/bool column decoding.

use quarry_model::enums::{SortBy, SortDir};
use serde_json::Value;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row};

use crate::page::{Cursor, Page, PageRequest};
use crate::{Result, StoreError};

/// A bind value. Only text and integers cross the `Any` driver, which keeps
/// both backends' type mapping trivial.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_string))
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Int(Some(v as i64))
    }
}

/// A SQL statement under construction with its bind values in order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends raw SQL (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `v`.
    pub fn bind(&mut self, v: impl Into<Arg>) -> &mut Self {
        self.args.push(v.into());
        let n = self.args.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    pub fn query(&self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text.clone()));
        for a in &self.args {
            q = match a {
                Arg::Text(v) => q.bind(v.clone()),
                Arg::Int(v) => q.bind(*v),
            };
        }
        q
    }
}

/// Binds a fixed statement with `args`.
pub(crate) fn stmt(text: &'static str, args: Vec<Arg>) -> Query<'static, Any, AnyArguments> {
    bind_all(sqlx::query(text), args)
}

/// Binds a statement whose text was built from names the code chose (a
/// kind's table and columns), never from user input.
pub(crate) fn stmt_built(text: String, args: Vec<Arg>) -> Query<'static, Any, AnyArguments> {
    bind_all(sqlx::query(AssertSqlSafe(text)), args)
}

fn bind_all(
    mut q: Query<'static, Any, AnyArguments>,
    args: Vec<Arg>,
) -> Query<'static, Any, AnyArguments> {
    for a in args {
        q = match a {
            Arg::Text(v) => q.bind(v),
            Arg::Int(v) => q.bind(v),
        };
    }
    q
}

/// Builds `vec![Arg, …]` from heterogeneous values.
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$($crate::sql::util::Arg::from($v)),*] };
}
pub(crate) use args;

/// Appends the keyset condition, order and limit of `page` to `sql`.
/// `prefix` qualifies the columns (e.g. `r.`). The statement must already
/// have a `WHERE` clause.
pub(crate) fn push_page(sql: &mut Sql, page: &PageRequest, prefix: &str) {
    let col = sort_column(page.sort_by);
    let (cmp, dir) = match page.sort_dir {
        SortDir::Asc => (">", "ASC"),
        SortDir::Desc => ("<", "DESC"),
    };
    if let Some(c) = &page.after {
        sql.push(&format!(" AND ({prefix}{col}, {prefix}id) {cmp} ("))
            .bind(c.value)
            .push(", ")
            .bind(c.id.clone())
            .push(")");
    }
    sql.push(&format!(
        " ORDER BY {prefix}{col} {dir}, {prefix}id {dir} LIMIT {}",
        page.limit as i64 + 1
    ));
}

fn sort_column(by: SortBy) -> &'static str {
    match by {
        SortBy::CreatedAt => "created_at",
        SortBy::UpdatedAt => "updated_at",
    }
}

/// Turns `limit + 1` fetched rows into a page and its next token.
/// `key` gives a row's `(created_at, updated_at, id)`.
pub(crate) fn finish_page<T>(
    mut rows: Vec<T>,
    page: &PageRequest,
    key: impl Fn(&T) -> (i64, i64, String),
) -> Page<T> {
    let more = rows.len() > page.limit as usize;
    rows.truncate(page.limit as usize);
    let next_page_token = match (more, rows.last()) {
        (true, Some(last)) => {
            let (created, updated, id) = key(last);
            Some(
                Cursor {
                    sort_by: page.sort_by,
                    sort_dir: page.sort_dir,
                    value: match page.sort_by {
                        SortBy::CreatedAt => created,
                        SortBy::UpdatedAt => updated,
                    },
                    id,
                }
                .encode(),
            )
        }
        _ => None,
    };
    Page {
        items: rows,
        next_page_token,
    }
}

/// The row of `table` with this `id` in workspace `ws`, decoded by `from_row`;
/// the one shape of every scoped lookup by id.
pub(crate) async fn get_scoped<T>(
    pool: &AnyPool,
    table: &str,
    columns: &str,
    ws: &str,
    id: &str,
    from_row: impl Fn(&AnyRow) -> Result<T>,
) -> Result<Option<T>> {
    let mut sql = Sql::new(&format!(
        "SELECT {columns} FROM {table} WHERE workspace_id = "
    ));
    sql.bind(ws).push(" AND id = ").bind(id);
    sql.query()
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) fn json_opt(row: &AnyRow, col: &str) -> Result<Option<Value>> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| serde_json::from_str(&t).map_err(StoreError::from))
        .transpose()
}

pub(crate) fn json_req(row: &AnyRow, col: &str) -> Result<Value> {
    json_opt(row, col)?.ok_or_else(|| StoreError::Corrupt(format!("column {col} is null")))
}

pub(crate) fn to_json(v: &Value) -> String {
    v.to_string()
}

pub(crate) fn to_json_opt(v: Option<&Value>) -> Option<String> {
    v.map(Value::to_string)
}

/// Case-folds a name for the `*_fold` columns. Filters compare these columns
/// with a pattern folded the same way ([`like_pattern`]) instead of using SQL
/// `LOWER()`, which on SQLite folds ASCII only.
pub(crate) fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` substring pattern,
/// case-folded with [`fold`] to match the `*_fold` columns.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut out = String::from("%");
    for c in fold(needle).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
