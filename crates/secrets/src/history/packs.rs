//! Where blobs sit in the repository's pack files. Used three times: to decode a pack's blobs
//! along its delta tree (`delta_tree`), to read the remaining blobs in pack order (a delta's
//! base is usually just before it, so a worker's pack cache still holds it), and to stream a
//! large blob stored whole (not as a delta) without holding it in memory.
//! Both are optimisations over plain object lookups: a pack that cannot be opened is left out
//! and its objects are read the ordinary way.

use super::pack_map::{PackMap, RELEASE_EVERY};
use gix::ObjectId;
use gix::odb::pack;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub struct Packs {
    objects_dir: PathBuf,
    /// (index, data file, the data file's mapping) per pack.
    packs: Vec<(pack::index::File, PackData, PackMap)>,
}

/// A pack's data file over vouch's own mapping of it.
pub type PackData = pack::data::File<PackMap>;

/// Position of an object: (pack number, offset); loose objects sort after every pack.
pub type Location = (u32, u64);

impl Packs {
    pub fn open(objects_dir: &Path, hash: gix::hash::Kind) -> Packs {
        let mut packs = Vec::new();
        let mut idx_paths: Vec<PathBuf> = std::fs::read_dir(objects_dir.join("pack"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        idx_paths.sort();
        for idx_path in idx_paths {
            let pack_path = idx_path.with_extension("pack");
            let Ok(index) = pack::index::File::at(&idx_path, hash) else {
                continue;
            };
            let Ok(map) = PackMap::open(&pack_path) else {
                continue;
            };
            if let Ok(data) = pack::data::File::from_data(map.clone(), pack_path, hash) {
                packs.push((index, data, map));
            }
        }
        Packs {
            objects_dir: objects_dir.to_path_buf(),
            packs,
        }
    }

    /// The pack's index, data file and mapping; `n` is a pack number from
    /// [`Packs::location`].
    pub fn pack(&self, n: usize) -> (&pack::index::File, &PackData, &PackMap) {
        let (index, data, map) = &self.packs[n];
        (index, data, map)
    }

    /// `ids` grouped by the pack that holds them (pack offset, id; sorted by offset), and the
    /// ids no pack holds (loose objects).
    pub fn group(
        &self,
        ids: impl Iterator<Item = ObjectId>,
    ) -> (Vec<Vec<(u64, ObjectId)>>, Vec<ObjectId>) {
        let mut per_pack = vec![Vec::new(); self.packs.len()];
        let mut elsewhere = Vec::new();
        for id in ids {
            match self.location(&id) {
                (u32::MAX, _) => elsewhere.push(id),
                (n, offset) => per_pack[n as usize].push((offset, id)),
            }
        }
        for wanted in &mut per_pack {
            wanted.sort_unstable();
        }
        (per_pack, elsewhere)
    }

    pub fn location(&self, id: &ObjectId) -> Location {
        for (n, (index, _, _)) in self.packs.iter().enumerate() {
            if let Some(i) = index.lookup(id) {
                return (n as u32, index.pack_offset_at_index(i));
            }
        }
        (u32::MAX, 0)
    }

    /// The blob's bytes as a stream when it is stored whole (loose, or a non-delta pack entry);
    /// `None` when it is a delta, which only decodes in memory.
    pub fn stream(&self, id: &ObjectId) -> Option<Box<dyn Read + '_>> {
        if let (n, offset) = self.location(id)
            && n != u32::MAX
        {
            let (_, data, map) = &self.packs[n as usize];
            let entry = data.entry(offset).ok()?;
            if entry.header.is_delta() {
                return None;
            }
            let compressed = data.entry_slice(entry.data_offset..data.pack_end() as u64)?;
            let inflate = Inflate::new(Releasing {
                rest: compressed,
                map,
            });
            return Some(Box::new(inflate.take(entry.decompressed_size)));
        }
        self.loose_stream(id)
    }

    /// A loose object is `zlib("blob <size>\0" + bytes)`; the header is read and dropped.
    fn loose_stream(&self, id: &ObjectId) -> Option<Box<dyn Read + '_>> {
        let hex = id.to_hex().to_string();
        let path = self.objects_dir.join(&hex[..2]).join(&hex[2..]);
        let file = std::fs::File::open(path).ok()?;
        let mut inflate = BufReader::new(Inflate::new(BufReader::new(file)));
        let mut header = Vec::new();
        inflate.read_until(0, &mut header).ok()?;
        if !header.starts_with(b"blob ") || header.last() != Some(&0) {
            return None;
        }
        Some(Box::new(inflate))
    }
}

/// A slice of a pack read in windows, releasing the pack's pages as it goes: a multi-GB blob
/// streams through bounded memory.
struct Releasing<'a> {
    rest: &'a [u8],
    map: &'a PackMap,
}

impl Read for Releasing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.len().min(buf.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Releasing<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        // Windows well below a release, so a release never drops more than one window's reads.
        let window = (RELEASE_EVERY / 16) as usize;
        Ok(&self.rest[..self.rest.len().min(window)])
    }

    fn consume(&mut self, n: usize) {
        self.rest = &self.rest[n..];
        self.map.progress(n as u64);
    }
}

/// A zlib stream read incrementally: memory stays at the reader's buffer whatever the size.
struct Inflate<R> {
    inner: R,
    state: gix::zlib::Decompress,
}

impl<R: BufRead> Inflate<R> {
    fn new(inner: R) -> Inflate<R> {
        Inflate {
            inner,
            state: gix::zlib::Decompress::new(),
        }
    }
}

impl<R: BufRead> Read for Inflate<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        gix::zlib::stream::inflate::read(&mut self.inner, &mut self.state, buf)
    }
}
