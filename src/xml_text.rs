//! What the XML readers (VOTable, SAMP's XML-RPC) share: quick-xml reports an entity or
//! character reference in text (`&amp;`, `&#233;`) as an event of its own, which a reader
//! must resolve and put back between the text around it.

use quick_xml::events::BytesRef;

/// The text a reference stands for: a character reference, or one of XML's five
/// predefined entities; any other entity is an error naming it.
pub fn resolve_reference(r: &BytesRef) -> Result<String, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        _ => quick_xml::escape::resolve_xml_entity(r)
            .map(str::to_string)
            .ok_or_else(|| format!("unknown entity &{};", &**r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_and_predefined_entities() {
        assert_eq!(resolve_reference(&BytesRef::new("amp")), Ok("&".into()));
        assert_eq!(resolve_reference(&BytesRef::new("#233")), Ok("é".into()));
        assert_eq!(resolve_reference(&BytesRef::new("#x41")), Ok("A".into()));
        assert_eq!(
            resolve_reference(&BytesRef::new("nbsp")),
            Err("unknown entity &nbsp;".into())
        );
    }
}
