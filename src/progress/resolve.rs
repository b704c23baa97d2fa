//! Item names → full item ids: an exact id, a unique prefix of one, an item id without its
//! section, or a title (case-insensitive). Ambiguous and unknown names are errors that list
//! the candidates.

use crate::error::{Error, Result};

/// One item a name can refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Full id `section-id/item-id`.
    pub id: String,
    pub title: String,
}

/// Resolve one name against `items` (in path order, without duplicates).
pub fn resolve(items: &[Candidate], name: &str) -> Result<String> {
    let wanted = name.trim();
    let lower = wanted.to_lowercase();
    let pick = |found: Vec<&Candidate>| -> Option<Result<String>> {
        match found.len() {
            0 => None,
            1 => Some(Ok(found[0].id.clone())),
            _ => Some(Err(ambiguous(wanted, &found))),
        }
    };
    if let Some(c) = items.iter().find(|c| c.id == wanted) {
        return Ok(c.id.clone());
    }
    let exact: Vec<&Candidate> = items
        .iter()
        .filter(|c| c.id.to_lowercase() == lower)
        .collect();
    if let Some(r) = pick(exact) {
        return r;
    }
    let titles: Vec<&Candidate> = items
        .iter()
        .filter(|c| c.title.trim().to_lowercase() == lower)
        .collect();
    if let Some(r) = pick(titles) {
        return r;
    }
    let item_ids: Vec<&Candidate> = items
        .iter()
        .filter(|c| {
            c.id.rsplit('/')
                .next()
                .is_some_and(|i| i.to_lowercase() == lower)
        })
        .collect();
    if let Some(r) = pick(item_ids) {
        return r;
    }
    if !lower.is_empty() {
        let prefixes: Vec<&Candidate> = items
            .iter()
            .filter(|c| c.id.to_lowercase().starts_with(&lower))
            .collect();
        if let Some(r) = pick(prefixes) {
            return r;
        }
        let item_prefixes: Vec<&Candidate> = items
            .iter()
            .filter(|c| {
                c.id.rsplit('/')
                    .next()
                    .is_some_and(|i| i.to_lowercase().starts_with(&lower))
            })
            .collect();
        if let Some(r) = pick(item_prefixes) {
            return r;
        }
    }
    // Unknown: suggest items whose id or title contains the name.
    let similar: Vec<&Candidate> = items
        .iter()
        .filter(|c| {
            !lower.is_empty()
                && (c.id.to_lowercase().contains(&lower) || c.title.to_lowercase().contains(&lower))
        })
        .collect();
    let mut message = format!("no item matches {wanted:?}");
    if similar.is_empty() {
        message.push_str(
            "; give a full id (section/item), a unique prefix of one, or an item title \
             (`studyplan show` lists them)",
        );
    } else {
        message.push_str("; did you mean:");
        push_list(&mut message, &similar);
    }
    Err(Error::Item { message })
}

/// Resolve several names, keeping their order and dropping repeats.
pub fn resolve_all(items: &[Candidate], names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let id = resolve(items, n)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn ambiguous(name: &str, found: &[&Candidate]) -> Error {
    let mut message = format!("{name:?} matches {} items:", found.len());
    push_list(&mut message, found);
    message.push_str("\ngive more of the id (section/item) to choose one");
    Error::Item { message }
}

fn push_list(message: &mut String, found: &[&Candidate]) {
    const SHOWN: usize = 20;
    for c in found.iter().take(SHOWN) {
        message.push_str(&format!("\n  {}  ({})", c.id, c.title));
    }
    if found.len() > SHOWN {
        message.push_str(&format!("\n  … and {} more", found.len() - SHOWN));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Candidate> {
        [
            ("db/storage-engines", "Storage Engines"),
            ("db/indexes", "Indexes"),
            ("api/rest", "REST"),
            ("api/rest-advanced", "REST advanced"),
        ]
        .iter()
        .map(|(i, t)| Candidate {
            id: (*i).into(),
            title: (*t).into(),
        })
        .collect()
    }

    #[test]
    fn resolves_ids_prefixes_and_titles() {
        let it = items();
        assert_eq!(resolve(&it, "db/indexes").unwrap(), "db/indexes");
        assert_eq!(resolve(&it, "db/st").unwrap(), "db/storage-engines");
        assert_eq!(
            resolve(&it, "storage engines").unwrap(),
            "db/storage-engines"
        );
        assert_eq!(resolve(&it, "api/rest").unwrap(), "api/rest");
        assert_eq!(resolve(&it, "indexes").unwrap(), "db/indexes");
        let e = resolve(&it, "db").unwrap_err().to_string();
        assert!(
            e.contains("db/indexes") && e.contains("db/storage-engines"),
            "{e}"
        );
        assert!(resolve(&it, "nothing").is_err());
    }
}
