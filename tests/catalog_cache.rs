//! The disk cache of catalogs: mapped reloads equal the parse, and a stale, corrupt,
//! truncated, foreign or other-version entry is rebuilt, never used.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;

use clusterviz::data::cache::{DiskCache, check_bytes, memory_entries, memory_hits, owned_bytes};
use clusterviz::data::catalog::ColumnData;
use clusterviz::data::catalog_reader::{parse_catalog, read_catalog};
use clusterviz::data::column_buffer::ColumnBuffer;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::data::fits_write::write_catalog;
use clusterviz::data::load_options::{LoadOptions, Pushdown};

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("clusterviz-cache-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A galaxy catalog file and options that cache it (no size threshold).
fn setup(tag: &str) -> (PathBuf, PathBuf, LoadOptions) {
    let dir = scratch(tag);
    let s = DemoSurvey::generate(DemoConfig {
        seed: 5,
        galaxies: 30_000,
    });
    let source = dir.join("galaxies.fits");
    write_catalog(&s.galaxies, None, "CATRED", &source).unwrap();
    let mut cache = DiskCache::new(dir.join("cache"));
    cache.min_source_bytes = 0;
    // These tests are about the disk tier (the memory tier has its own test).
    cache.memory_budget = 0;
    let opts = LoadOptions {
        cache: Some(cache),
        ..Default::default()
    };
    (dir, source, opts)
}

fn entries(opts: &LoadOptions) -> Vec<PathBuf> {
    let dir = &opts.cache.as_ref().unwrap().dir;
    std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

fn is_mapped(c: &ColumnData) -> bool {
    matches!(
        c,
        ColumnData::F64(ColumnBuffer::Mapped { .. })
            | ColumnData::F32(ColumnBuffer::Mapped { .. })
            | ColumnData::I64(ColumnBuffer::Mapped { .. })
            | ColumnData::I16(ColumnBuffer::Mapped { .. })
    )
}

#[test]
fn a_reload_maps_the_columns_and_equals_the_parse() {
    let (dir, source, opts) = setup("roundtrip");
    let parsed = parse_catalog(&source, "galaxies", &LoadOptions::default()).unwrap();
    let first = read_catalog(&source, "galaxies", &opts).unwrap();
    assert_eq!(first, parsed);
    assert_eq!(entries(&opts).len(), 1, "one entry written");
    let again = read_catalog(&source, "galaxies", &opts).unwrap();
    assert_eq!(again, parsed, "names, units, types, roles, rows and report");
    assert!(
        again.0.columns.iter().all(|c| is_mapped(&c.data)),
        "columns are read in place"
    );
    // Other options are another entry: a pushdown filter gives fewer rows.
    let filtered = LoadOptions {
        filter: Pushdown {
            z_max: Some(0.5),
            ..Default::default()
        },
        ..opts.clone()
    };
    let f = read_catalog(&source, "galaxies", &filtered).unwrap();
    assert!(f.0.len() < parsed.0.len());
    assert_eq!(read_catalog(&source, "galaxies", &filtered).unwrap(), f);
    assert_eq!(entries(&opts).len(), 2);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn damaged_entries_are_rebuilt_not_used() {
    let (dir, source, opts) = setup("damaged");
    let parsed = parse_catalog(&source, "galaxies", &LoadOptions::default()).unwrap();
    read_catalog(&source, "galaxies", &opts).unwrap();
    let entry = entries(&opts).pop().unwrap();
    let good = std::fs::read(&entry).unwrap();
    let mut flipped = good.clone();
    let at = good.len() - 1000;
    flipped[at] ^= 0x40;
    let mut other_version = good.clone();
    other_version[8] = 99;
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped bit in a column", flipped),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("another format version", other_version),
        (
            "not a cache file",
            b"SIMPLE  =                    T".to_vec(),
        ),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in damages {
        std::fs::write(&entry, &bytes).unwrap();
        let got = read_catalog(&source, "galaxies", &opts).unwrap();
        assert_eq!(got, parsed, "{what}: wrong catalog");
        // The bad entry was replaced by a good one.
        assert_eq!(std::fs::read(&entry).unwrap(), good, "{what}: not rebuilt");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_changed_source_is_parsed_again_and_its_old_entry_removed() {
    let (dir, source, opts) = setup("stale");
    read_catalog(&source, "galaxies", &opts).unwrap();
    let old = entries(&opts);
    // New contents (fewer rows) under the same name.
    let s = DemoSurvey::generate(DemoConfig {
        seed: 6,
        galaxies: 10_000,
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_catalog(&s.galaxies, None, "CATRED", &source).unwrap();
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    assert_eq!(
        cat.len(),
        parse_catalog(&source, "galaxies", &LoadOptions::default())
            .unwrap()
            .0
            .len()
    );
    let now = entries(&opts);
    assert_eq!(now.len(), 1);
    assert_ne!(now, old, "the stale entry is gone");
    let ls = opts.cache.as_ref().unwrap().entries();
    assert_eq!(ls[0].status, "ok");
    assert_eq!(ls[0].rows, Some(cat.len() as u64));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cache_commands_list_check_and_clear() {
    let (dir, source, opts) = setup("cli");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    clusterviz::data::cache::store_blob(&cat.cache_tag, "test", &[0; 1_000_000]).unwrap();
    let cache_dir = opts.cache.as_ref().unwrap().dir.clone();
    std::fs::write(cache_dir.join("0000000000000000.cvzc"), b"junk").unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_clusterviz"))
            .args(args)
            .arg("--cache-dir")
            .arg(&cache_dir)
            .output()
            .unwrap()
    };
    let ls = run(&["cache", "ls"]);
    let out = String::from_utf8_lossy(&ls.stdout);
    assert!(ls.status.success());
    assert!(out.contains("2 entries"), "{out}");
    assert!(out.contains("30000 rows") && out.contains("[ok]"), "{out}");
    assert!(
        out.contains("[corrupt: not a clusterviz cache file]"),
        "{out}"
    );
    assert!(out.contains("checksums): 1 files, 1.0 MB"), "{out}");
    let clear = run(&["cache", "clear"]);
    assert!(String::from_utf8_lossy(&clear.stdout).contains("removed 3 files"));
    assert!(entries(&opts).is_empty());
    // --no-cache neither reads nor writes.
    let no_cache = std::process::Command::new(env!("CARGO_BIN_EXE_clusterviz"))
        .args(["render", "--no-cache", "--galaxies"])
        .arg(&source)
        .arg("--cache-dir")
        .arg(&cache_dir)
        .args(["--size", "64x64", "-o"])
        .arg(dir.join("x.png"))
        .output()
        .unwrap();
    assert!(
        no_cache.status.success(),
        "{}",
        String::from_utf8_lossy(&no_cache.stderr)
    );
    assert!(entries(&opts).is_empty());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_memory_tier_serves_repeated_loads_and_evicts_the_least_recently_used() {
    let dir = scratch("memory");
    let mut sources = Vec::new();
    for (i, n) in [8_000u64, 9_000, 10_000].into_iter().enumerate() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 7 + i as u64,
            galaxies: n,
        });
        let p = dir.join(format!("g{i}.fits"));
        write_catalog(&s.galaxies, None, "CATRED", &p).unwrap();
        sources.push(p);
    }
    let bytes: Vec<u64> = sources
        .iter()
        .map(|p| {
            owned_bytes(
                &parse_catalog(p, "galaxies", &LoadOptions::default())
                    .unwrap()
                    .0,
            )
        })
        .collect();
    // Room for the two largest, not for all three.
    let mut cache = DiskCache::new(dir.join("cache"));
    cache.memory_budget = bytes[1] + bytes[2] + 1;
    let opts = LoadOptions {
        cache: Some(cache),
        ..Default::default()
    };
    let load = |i: usize| read_catalog(&sources[i], "galaxies", &opts).unwrap();
    let first = load(0);
    let hits = memory_hits();
    assert_eq!(load(0), first, "a repeated load equals the first");
    assert_eq!(memory_hits(), hits + 1, "and came from memory");
    load(1);
    load(2); // evicts g0, the least recently used
    let held: Vec<u64> = memory_entries().iter().map(|e| e.1).collect();
    assert!(held.iter().sum::<u64>() <= bytes[1] + bytes[2] + 1);
    let hits = memory_hits();
    load(2);
    assert_eq!(memory_hits(), hits + 1);
    load(0);
    assert_eq!(
        memory_hits(),
        hits + 1,
        "g0 had been evicted and was parsed again"
    );
    std::fs::remove_dir_all(dir).ok();
}

fn valid_entry() -> Vec<u8> {
    let (dir, source, opts) = setup("fuzzbase");
    read_catalog(&source, "galaxies", &opts).unwrap();
    let bytes = std::fs::read(entries(&opts).pop().unwrap()).unwrap();
    std::fs::remove_dir_all(dir).ok();
    bytes
}

fn no_panic(bytes: &[u8]) {
    let _ = check_bytes(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        no_panic(&bytes);
    }

    #[test]
    fn damaged_entries_never_panic(
        edits in proptest::collection::vec((0usize..4096, any::<u8>()), 1..8),
        cut in proptest::option::of(0usize..4096),
    ) {
        static BASE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let base = BASE.get_or_init(valid_entry);
        let mut b = base.clone();
        for (at, v) in edits {
            let i = at % b.len();
            b[i] = v;
        }
        if let Some(c) = cut {
            b.truncate(c.min(b.len()));
        }
        no_panic(&b);
    }
}

#[test]
fn derived_blobs_follow_their_catalog_entry() {
    use clusterviz::data::cache::{load_blob, store_blob};
    let (dir, source, opts) = setup("blobs");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let payload: Vec<u8> = (0..5000u32).flat_map(|i| i.to_le_bytes()).collect();
    store_blob(&cat.cache_tag, "test", &payload).unwrap();
    assert_eq!(
        load_blob(&cat.cache_tag, "test").as_deref(),
        Some(&payload[..])
    );
    // A reloaded (mapped) catalog finds it too.
    let (again, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    assert_eq!(
        load_blob(&again.cache_tag, "test").as_deref(),
        Some(&payload[..])
    );
    // A damaged blob is refused and removed.
    let blob = entries(&opts)
        .into_iter()
        .find(|p| p.extension().is_some_and(|x| x == "cvzb"))
        .unwrap();
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&blob, &bytes).unwrap();
    assert_eq!(load_blob(&cat.cache_tag, "test"), None);
    assert!(!blob.exists());
    // Uncached catalogs (no tag) store nothing; `cache clear` removes blobs too.
    let plain = parse_catalog(&source, "galaxies", &LoadOptions::default())
        .unwrap()
        .0;
    store_blob(&plain.cache_tag, "test", &payload).unwrap();
    store_blob(&cat.cache_tag, "test", &payload).unwrap();
    assert_eq!(entries(&opts).len(), 2);
    opts.cache.as_ref().unwrap().clear().unwrap();
    assert!(entries(&opts).is_empty());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_catalogs_spatial_index_is_cached_and_queried_in_place() {
    use clusterviz::sky::{Frame, Projection, unit_vector};
    use clusterviz::view::View;
    use clusterviz::view::index::SkyIndex;
    let (dir, source, opts) = setup("kdtree");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let built = SkyIndex::cached(cat.directions(), &cat.cache_tag).unwrap();
    assert!(!built.is_mapped(), "the first load builds the tree");
    let tree_blob = || {
        entries(&opts)
            .into_iter()
            // By file name: the scratch folder's own name says "kdtree" too.
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("-kdtree-"))
            })
    };
    let blob = tree_blob().expect("the tree is stored beside the catalog");
    // The next load maps the stored tree and answers exactly as the built one.
    let (again, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    // Over the catalog itself (its directions made from RA/Dec when a query needs them,
    // as the viewer's picking index does), not a copy of its directions.
    let mapped = SkyIndex::cached_catalog(again.clone()).unwrap();
    assert!(mapped.is_mapped(), "the stored tree is used in place");
    for (ra, dec, r) in [(0.0, -30.0, 0.3), (357.5, -27.0, 1.0), (4.0, -33.5, 0.05)] {
        let c = unit_vector(ra, dec);
        let mut a = built.cone(c, r);
        let mut b = mapped.cone(c, r);
        a.sort_unstable();
        b.sort_unstable();
        assert!(!a.is_empty());
        assert_eq!(a, b, "cone ({ra}, {dec}, {r})");
        assert_eq!(built.nearest(c, 5), mapped.nearest(c, 5));
        // The exact tests after the tree's answer: what a view shows, what the cursor picks.
        let view = View::new(Projection::Tan, Frame::Icrs, (ra, dec), 4.0 * r, (400, 300));
        let shown = built.in_view(&view);
        assert!(!shown.is_empty());
        assert_eq!(shown, mapped.in_view(&view));
        // Beside an object shown.
        let beside = view.project(built.direction(shown[0])).unwrap_or_default();
        let cursor = beside + glam::DVec2::new(3.0, 2.0);
        let picked = built.pick(&view, cursor, 40.0);
        assert!(picked.is_some());
        assert_eq!(picked, mapped.pick(&view, cursor, 40.0));
        let (item, _) = picked.unwrap_or_default();
        assert_eq!(mapped.direction(item), cat.directions()[item as usize]);
    }
    // A damaged tree is refused, removed and rebuilt, never used.
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&blob, &bytes).unwrap();
    let rebuilt = SkyIndex::cached_catalog(again.clone()).unwrap();
    assert!(!rebuilt.is_mapped());
    assert_eq!(
        rebuilt.nearest(unit_vector(0.0, -30.0), 3),
        built.nearest(unit_vector(0.0, -30.0), 3)
    );
    assert!(tree_blob().is_some(), "stored again");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_checksums_are_remembered_until_the_file_changes() {
    use clusterviz::data::cache::hash_file;
    let dir = scratch("checksum");
    let file = dir.join("data.bin");
    std::fs::write(&file, vec![7u8; 100_000]).unwrap();
    let cache = DiskCache::new(dir.join("cache"));
    let computed = cache.file_checksum(&file).unwrap();
    assert_eq!(computed, (100_000, hash_file(&file).unwrap()));
    // The second answer comes from the cache: a blob now holds it.
    let blobs = || {
        std::fs::read_dir(dir.join("cache"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .to_string_lossy()
                    .ends_with("-xxh3.cvzb")
            })
            .count()
    };
    assert_eq!(blobs(), 1);
    assert_eq!(cache.file_checksum(&file).unwrap(), computed);
    // A changed file (another size) gets its own checksum.
    std::fs::write(&file, vec![8u8; 100_001]).unwrap();
    let changed = cache.file_checksum(&file).unwrap();
    assert_eq!(changed, (100_001, hash_file(&file).unwrap()));
    assert_ne!(changed.1, computed.1);
    // A damaged blob is not believed.
    for e in std::fs::read_dir(dir.join("cache")).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with("-xxh3.cvzb") {
            let mut b = std::fs::read(&p).unwrap();
            let n = b.len();
            b[n - 1] ^= 0x40;
            std::fs::write(&p, b).unwrap();
        }
    }
    assert_eq!(cache.file_checksum(&file).unwrap(), changed);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_stack_of_files_keeps_its_derived_data_until_one_file_changes() {
    use clusterviz::data::cache::{can_store_blobs, load_blob, store_blob};
    use clusterviz::data::inputs::read_stacked;
    use clusterviz::view::index::SkyIndex;
    let dir = scratch("stack");
    let paths: Vec<PathBuf> = (0..3)
        .map(|i| {
            let s = DemoSurvey::generate(DemoConfig {
                seed: 20 + i,
                galaxies: 4_000,
            });
            let p = dir.join(format!("tile_{i}.fits"));
            write_catalog(&s.galaxies, None, "CATRED", &p).unwrap();
            p
        })
        .collect();
    let sizes: Vec<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .collect();
    // Each file is below the cache's threshold, the stack is not: all parts are cached.
    let mut cache = DiskCache::new(dir.join("cache"));
    cache.min_source_bytes = sizes.iter().sum::<u64>() - 1;
    assert!(sizes.iter().all(|&s| s < cache.min_source_bytes));
    cache.memory_budget = 0;
    let opts = LoadOptions {
        cache: Some(cache),
        ..Default::default()
    };
    let (stack, _) = read_stacked(&paths, "galaxies", &opts).unwrap();
    let cvz = |ext: &str| {
        entries(&opts)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .count()
    };
    assert_eq!(cvz("cvzc"), 3, "one entry per file");
    assert!(can_store_blobs(&stack.cache_tag));
    let payload = vec![42u8; 1000];
    store_blob(&stack.cache_tag, "test", &payload).unwrap();
    let built = SkyIndex::cached(stack.directions(), &stack.cache_tag).unwrap();
    assert!(!built.is_mapped());
    // The next load of the same stack finds both.
    let (again, _) = read_stacked(&paths, "galaxies", &opts).unwrap();
    assert_eq!(load_blob(&again.cache_tag, "test"), Some(payload.clone()));
    let mapped = SkyIndex::cached(again.directions(), &again.cache_tag).unwrap();
    assert!(mapped.is_mapped(), "the stack's tree is used in place");
    // The stack in another order is another catalog: its blobs are its own.
    let reversed: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    let (other, _) = read_stacked(&reversed, "galaxies", &opts).unwrap();
    assert_eq!(load_blob(&other.cache_tag, "test"), None);
    // One file changes: the stack's old data are not used, and storing them again
    // replaces the old blob instead of adding one.
    let s = DemoSurvey::generate(DemoConfig {
        seed: 99,
        galaxies: 4_100,
    });
    write_catalog(&s.galaxies, None, "CATRED", &paths[1]).unwrap();
    let blobs_before = cvz("cvzb");
    let (changed, _) = read_stacked(&paths, "galaxies", &opts).unwrap();
    assert_eq!(changed.len(), 4_000 + 4_100 + 4_000);
    assert_eq!(load_blob(&changed.cache_tag, "test"), None);
    let rebuilt = SkyIndex::cached(changed.directions(), &changed.cache_tag).unwrap();
    assert!(!rebuilt.is_mapped(), "a stale tree is not used");
    store_blob(&changed.cache_tag, "test", &[1, 2, 3]).unwrap();
    assert_eq!(load_blob(&changed.cache_tag, "test"), Some(vec![1, 2, 3]));
    assert_eq!(cvz("cvzb"), blobs_before, "the stale blobs were replaced");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prune_removes_what_can_no_longer_be_used_and_keeps_the_rest() {
    use clusterviz::data::cache::{load_blob, store_blob};
    use clusterviz::data::inputs::read_stacked;
    use std::collections::BTreeSet;
    let (dir, kept_source, opts) = setup("prune");
    let cache = opts.cache.clone().unwrap();
    let files = || -> BTreeSet<String> {
        std::fs::read_dir(&cache.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let added = |before: &BTreeSet<String>| -> BTreeSet<String> {
        files().difference(before).cloned().collect()
    };
    let write = |name: &str, seed: u64, n: u64| {
        let s = DemoSurvey::generate(DemoConfig { seed, galaxies: n });
        let p = dir.join(name);
        write_catalog(&s.galaxies, None, "CATRED", &p).unwrap();
        p
    };
    // A catalog whose file stays: its entry and blob stay, and of two layouts of one
    // kind of blob, the newer.
    let (kept, _) = read_catalog(&kept_source, "galaxies", &opts).unwrap();
    store_blob(&kept.cache_tag, "test", &[7; 100]).unwrap();
    store_blob(&kept.cache_tag, "order-v1-d9", &[3; 100]).unwrap();
    let before = files();
    std::thread::sleep(std::time::Duration::from_millis(20));
    store_blob(&kept.cache_tag, "order-v2-d9", &[4; 100]).unwrap();
    let mut keep = files();
    let mut remove: BTreeSet<String> = before
        .iter()
        .filter(|f| f.ends_with("-order-v1-d9.cvzb"))
        .cloned()
        .collect();
    keep.retain(|f| !remove.contains(f));
    // A catalog whose file is deleted: entry and blob go.
    let gone = write("gone.fits", 6, 2_000);
    let (c, _) = read_catalog(&gone, "galaxies", &opts).unwrap();
    store_blob(&c.cache_tag, "test", &[1; 100]).unwrap();
    let gone_files = added(&(&keep | &remove));
    assert_eq!(gone_files.len(), 2);
    remove.extend(gone_files);
    std::fs::remove_file(&gone).unwrap();
    // A stack of two files, one deleted: the other's entry stays, the stack's blob goes.
    let before = files();
    let parts = [write("part0.fits", 7, 1_000), write("part1.fits", 8, 1_000)];
    let (stack, _) = read_stacked(&parts[..1], "galaxies", &opts).unwrap();
    keep.extend(added(&before));
    let before = files();
    let (stack2, _) = read_stacked(&parts, "galaxies", &opts).unwrap();
    store_blob(&stack2.cache_tag, "test", &[2; 100]).unwrap();
    remove.extend(added(&before));
    assert_eq!(stack.len(), 1_000);
    std::fs::remove_file(&parts[1]).unwrap();
    // Remembered checksums: of a file unchanged (kept) and of one since rewritten.
    let before = files();
    cache.file_checksum(&parts[0]).unwrap();
    keep.extend(added(&before));
    let rewritten = write("rewritten.fits", 9, 500);
    let before = files();
    cache.file_checksum(&rewritten).unwrap();
    remove.extend(added(&before));
    write("rewritten.fits", 10, 600);
    // Damaged files, blobs of older versions (no key recorded; one named after a live
    // entry) and leftovers of interrupted writes, one of a process still running.
    let kept_blob = keep
        .iter()
        .find(|f| f.ends_with("-test.cvzb"))
        .unwrap()
        .clone();
    let kept_stem = kept_blob.split('-').next().unwrap().to_string();
    let mut keyless = std::fs::read(cache.dir.join(&kept_blob)).unwrap();
    keyless[40..44].fill(0);
    for (name, bytes, stays) in [
        ("0000000000000000.cvzc".to_string(), b"junk".to_vec(), false),
        ("00000000000000aa-x.cvzb".into(), b"junk".to_vec(), false),
        ("00000000000000bb-old.cvzb".into(), keyless.clone(), false),
        (format!("{kept_stem}-old.cvzb"), keyless, true),
        (".x.cvzc.partial-4194305".into(), vec![0; 10], false),
        (
            format!(".y.cvzc.partial-{}", std::process::id()),
            vec![0; 10],
            true,
        ),
    ] {
        std::fs::write(cache.dir.join(&name), bytes).unwrap();
        match stays {
            true => keep.insert(name),
            false => remove.insert(name),
        };
    }
    assert_eq!(files(), &keep | &remove);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clusterviz"))
        .args(["cache", "prune", "--cache-dir"])
        .arg(&cache.dir)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(files(), keep, "{said}");
    assert!(
        said.contains(&format!("removed {} files", remove.len())),
        "{said}"
    );
    for why in [
        "stale (source missing)",
        "a file of its stack changed or has no cache entry",
        "its catalog has no cache entry any more",
        "which changed or is gone",
        "damaged: not a clusterviz blob",
        "corrupt: not a clusterviz cache file",
        "written by an older clusterviz",
        "left by a write that did not finish",
        "replaced by ",
    ] {
        assert!(said.contains(why), "{why}: {said}");
    }
    // What stayed still serves: the catalog maps from its entry, its blob loads.
    let (again, _) = read_catalog(&kept_source, "galaxies", &opts).unwrap();
    assert!(is_mapped(&again.columns[0].data));
    assert_eq!(load_blob(&again.cache_tag, "test"), Some(vec![7; 100]));
    // A second prune finds nothing.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clusterviz"))
        .args(["cache", "prune", "--cache-dir"])
        .arg(&cache.dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed 0 files"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_cached_level_of_detail_order_is_used_in_place() {
    use clusterviz::data::cache::{map_blob, store_blob};
    use clusterviz::view::lod::LodOrder;
    let (dir, source, opts) = setup("lod-in-place");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let (lod, counts) = LodOrder::with_counts(&cat, 13);
    store_blob(&cat.cache_tag, "lod-test", &lod.to_bytes(&counts)).unwrap();
    let blob = map_blob(&cat.cache_tag, "lod-test").unwrap();
    let (mapped, mapped_counts) = LodOrder::from_blob(&blob, cat.len()).unwrap();
    drop(blob);
    assert!(matches!(mapped.rows, ColumnBuffer::Mapped { .. }));
    assert_eq!(mapped.rows[..], lod.rows[..]);
    assert_eq!(mapped.cells(), lod.cells());
    assert_eq!(mapped_counts.values, counts.values);
    // Another catalog size is refused, not misread.
    let blob = map_blob(&cat.cache_tag, "lod-test").unwrap();
    assert!(LodOrder::from_blob(&blob, cat.len() - 1).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_figures_pick_is_stored_and_read_back_in_place() {
    use clusterviz::data::cache::{map_blob, store_blob};
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    use clusterviz::view::lod::LodPick;
    let (dir, source, opts) = setup("pick");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let (pick, counts) = LodPick::with_counts(&cat, 13, 20.0);
    store_blob(&cat.cache_tag, "pick", &pick.to_bytes()).unwrap();
    let (again, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let blob = map_blob(&again.cache_tag, "pick").expect("the pick is stored");
    let (back, back_counts) = LodPick::from_blob(&blob, again.len(), 13, 20.0).unwrap();
    assert_eq!(back_counts, counts);
    assert_eq!(back.cells(), pick.cells());
    // The same rows drawn, in the same order, for a whole and a zoomed view.
    for (fov, budget) in [(360.0, 500), (2.0, 3000)] {
        let view = View::new(
            Projection::Tan,
            Frame::Icrs,
            (cat.ra(0), cat.dec(0)),
            fov,
            (400, 300),
        );
        let (ranges, _) = pick.draw_ranges(&view, budget);
        let rows = pick.rows_drawn(&cat, &ranges);
        assert!(!rows.is_empty());
        assert_eq!(back.rows_drawn(&again, &ranges), rows);
    }
    // A blob made for another catalog size or count depth is refused.
    assert!(LodPick::from_blob(&blob, again.len() + 1, 13, 20.0).is_none());
    assert!(LodPick::from_blob(&blob, again.len(), 12, 20.0).is_none());
    // So is one whose cells lie outside the sky, checksum or not.
    let mut bad = pick.to_bytes();
    bad[16..20].copy_from_slice(&(12u32 << 26).to_le_bytes());
    store_blob(&cat.cache_tag, "bad pick", &bad).unwrap();
    let bad = map_blob(&cat.cache_tag, "bad pick").unwrap();
    assert!(LodPick::from_blob(&bad, cat.len(), 13, 20.0).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A catalog whose level-of-detail order an earlier run stored still takes seconds to
/// upload at millions of rows: the viewer previews it as any big catalog, with the counts
/// stored beside the order (the same density the full scene shows) instead of counting.
#[test]
fn a_stored_order_brings_its_counts_to_the_viewers_preview() {
    use clusterviz::data::Survey;
    use clusterviz::render::SceneRenderer;
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::scene::preview::sampled_preview;
    use clusterviz::scene::{SceneStyle, UploadPlan, upload_survey};
    use clusterviz::view::Theme;
    let (dir, source, opts) = setup("preview");
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let n = cat.len();
    let style = SceneStyle {
        max_markers: Some(1000),
        ..SceneStyle::default()
    };
    let survey = Survey {
        galaxies: Some(cat),
        ..Survey::default()
    };
    // 30k rows without counts at hand order quickly: no preview.
    assert!(sampled_preview(&survey, &style, 1000).is_none());
    // A viewer's scene orders them (beyond the marker budget) and stores the order.
    let ctx = common::gpu();
    let mut renderer = SceneRenderer::new(&ctx);
    let plan = UploadPlan::still(&ctx, &style);
    let layers = upload_survey(&ctx, &mut renderer, &survey, Theme::Dark, &style, plan).unwrap();
    let density = layers
        .get(LayerKind::GalaxyDensity)
        .expect("a density layer");
    let shown = renderer.map(density).expect("its map").clone();
    // The next run's preview: every k-th row, over the stored counts of every row.
    let (again, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let survey = Survey {
        galaxies: Some(again),
        ..Survey::default()
    };
    let preview = sampled_preview(&survey, &style, 1000).expect("a preview");
    let sample = preview.galaxies.as_ref().unwrap();
    let k = n.div_ceil(1000);
    assert_eq!(sample.len(), n.div_ceil(k));
    let all = survey.galaxies.as_ref().unwrap();
    for r in [0, 1, sample.len() - 1] {
        assert_eq!(
            (sample.ra(r), sample.dec(r)),
            (all.ra(r * k), all.dec(r * k))
        );
    }
    let counts = preview.galaxy_counts.as_ref().expect("the stored counts");
    assert_eq!(counts.total(), n as f64);
    // Its density layer is the one the full scene showed.
    let mut renderer = SceneRenderer::new(&ctx);
    let layers = upload_survey(&ctx, &mut renderer, &preview, Theme::Dark, &style, plan).unwrap();
    let density = layers
        .get(LayerKind::GalaxyDensity)
        .expect("a density layer");
    assert_eq!(
        renderer.map(density).expect("its map").as_ref(),
        shown.as_ref()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
