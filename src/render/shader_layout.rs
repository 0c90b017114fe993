//! Checks that a Rust struct written into a GPU buffer has the layout its WGSL struct
//! expects: the same size and the same offset for every member (naga computes WGSL's).
//! Each renderer's tests call [`assert_matches_wgsl`] for its own structs.

/// Asserts that WGSL struct `name` in `source` is `size` bytes with `members` (WGSL
/// member name, Rust offset) at those offsets; members named `_pad…` may be left out,
/// every other member must be listed.
pub fn assert_matches_wgsl(source: &str, name: &str, size: usize, members: &[(&str, usize)]) {
    let module = naga::front::wgsl::parse_str(source)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
    let (wgsl_members, span) = module
        .types
        .iter()
        .find_map(|(_, ty)| match &ty.inner {
            naga::TypeInner::Struct { members, span } if ty.name.as_deref() == Some(name) => {
                Some((members.clone(), *span))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name} in the shader"));
    assert_eq!(span as usize, size, "{name}: WGSL size vs Rust size");
    for m in &wgsl_members {
        let member = m.name.as_deref().unwrap_or_default();
        if member.starts_with("_pad") {
            continue;
        }
        let Some(&(_, offset)) = members.iter().find(|(n, _)| *n == member) else {
            panic!("{name}.{member} has no Rust counterpart in the check");
        };
        assert_eq!(
            m.offset as usize, offset,
            "{name}.{member}: WGSL offset vs Rust"
        );
    }
    for (member, _) in members {
        assert!(
            wgsl_members
                .iter()
                .any(|m| m.name.as_deref() == Some(member)),
            "{name} has no member {member}"
        );
    }
}
