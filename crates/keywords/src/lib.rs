//! Finds every occurrence of many keywords (ASCII case-insensitive, overlapping) in one pass.
//!
//! Why not the `aho-corasick` crate, which vouch uses elsewhere: the secret scanner and the
//! source-code gate search every byte of a repository for hundreds of case-insensitive words,
//! where no prefilter applies and the search is one automaton transition per byte. Each
//! transition waits for the previous one (a dependent load), so a single scan runs at the
//! latency of the state table, about 2.5 ns per byte here. This automaton is the same
//! Aho-Corasick DFA, but it scans eight parts of a buffer in step: eight independent chains of
//! loads overlap in the CPU, and the same work takes about half the time
//! (`cargo bench -p vouch-secrets --bench keywords`). Each part starts as many bytes early as
//! the longest keyword, so a keyword across a part boundary is still found, and by one part
//! only.

use std::ops::ControlFlow;

mod build;

/// One occurrence: the pattern's index and its byte range in the haystack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// A compiled set of keywords.
#[derive(Clone, Debug)]
pub struct Keywords {
    /// Byte → equivalence class; ASCII letters fold to their lower case.
    class: [u16; 256],
    classes: usize,
    /// `table[state + class]` is the next state; states are premultiplied by `classes`.
    table: Vec<u32>,
    /// States at or above this one end at least one keyword.
    first_match: u32,
    /// For each match state (in order), its range in `outputs`.
    output_ranges: Vec<(u32, u32)>,
    /// Pattern indexes of the keywords each match state ends.
    outputs: Vec<u32>,
    lens: Vec<usize>,
    max_len: usize,
}

/// Parts of the buffer scanned in step.
const LANES: usize = 8;
/// Longest part: bounds the matches held before they are reported in order.
const MAX_LANE: usize = 16 << 10;
/// A part shorter than this many times the longest keyword spends too much of its time on
/// the bytes it re-reads before its start: such buffers are scanned in one part.
const MIN_LANE_PER_KEYWORD: usize = 4;

impl Keywords {
    /// Compiles `patterns`; empty ones never match.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Keywords {
        build::build(patterns)
    }

    /// The number of patterns the set was built from.
    pub fn patterns(&self) -> usize {
        self.lens.len()
    }

    /// Calls `found` for every occurrence of every keyword, in order of their end (several
    /// keywords ending at one byte: in pattern order of the automaton's outputs), until it
    /// returns `Break`.
    pub fn for_each(&self, hay: &[u8], mut found: impl FnMut(Match) -> ControlFlow<()>) {
        if self.lens.is_empty() {
            return;
        }
        if hay.len() < LANES * MIN_LANE_PER_KEYWORD * self.max_len.max(16) {
            let mut hits = Vec::new();
            self.scan_one(hay, 0, 0, &mut hits);
            let _ = self.report(&hits, &mut found);
            return;
        }
        let lane_len = hay.len().div_ceil(LANES).min(MAX_LANE);
        let mut hits: [Vec<(usize, u32)>; LANES] = Default::default();
        let mut pos = 0;
        while pos < hay.len() {
            let owned: [(usize, usize); LANES] = std::array::from_fn(|k| {
                let start = (pos + k * lane_len).min(hay.len());
                (start, (start + lane_len).min(hay.len()))
            });
            self.scan_lanes(hay, &owned, &mut hits);
            for lane in &mut hits {
                if self.report(lane, &mut found).is_break() {
                    return;
                }
                lane.clear();
            }
            pos = owned[LANES - 1].1;
        }
    }

    /// Every occurrence, collected.
    pub fn find_all(&self, hay: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        self.for_each(hay, |m| {
            out.push(m);
            ControlFlow::Continue(())
        });
        out
    }

    fn report(
        &self,
        hits: &[(usize, u32)],
        found: &mut impl FnMut(Match) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        for &(end, state) in hits {
            let index = ((state - self.first_match) as usize) / self.classes;
            let (from, to) = self.output_ranges[index];
            for &pattern in &self.outputs[from as usize..to as usize] {
                let pattern = pattern as usize;
                found(Match {
                    pattern,
                    start: end - self.lens[pattern],
                    end,
                })?;
            }
        }
        ControlFlow::Continue(())
    }

    /// Scans `part` (which starts at `offset` in the haystack) from the start state and
    /// records match ends after `owned_from`.
    fn scan_one(
        &self,
        part: &[u8],
        offset: usize,
        owned_from: usize,
        hits: &mut Vec<(usize, u32)>,
    ) {
        let mut state = 0u32;
        for (i, &byte) in part.iter().enumerate() {
            state = self.step(state, byte);
            if state >= self.first_match && offset + i + 1 > owned_from {
                hits.push((offset + i + 1, state));
            }
        }
    }

    #[inline(always)]
    fn step(&self, state: u32, byte: u8) -> u32 {
        self.table[state as usize + self.class[byte as usize] as usize]
    }

    /// Scans the parts in step. Part `k` owns match ends in `owned[k].0 + 1 ..=
    /// owned[k].1` and starts `max_len` bytes before its range, so the automaton has seen
    /// every keyword that ends in it.
    fn scan_lanes(
        &self,
        hay: &[u8],
        owned: &[(usize, usize); LANES],
        hits: &mut [Vec<(usize, u32)>; LANES],
    ) {
        let from: [usize; LANES] = std::array::from_fn(|k| owned[k].0.saturating_sub(self.max_len));
        let common = (0..LANES).map(|k| owned[k].1 - from[k]).min().unwrap_or(0);
        let fm = self.first_match;
        let mut state = [0u32; LANES];
        let parts: [&[u8]; LANES] = std::array::from_fn(|k| &hay[from[k]..from[k] + common]);
        // `i` indexes every lane's part in step, which is the point of the loop.
        #[allow(clippy::needless_range_loop)]
        for i in 0..common {
            let mut any = false;
            for k in 0..LANES {
                state[k] = self.step(state[k], parts[k][i]);
                any |= state[k] >= fm;
            }
            if any {
                for k in 0..LANES {
                    let end = from[k] + i + 1;
                    if state[k] >= fm && end > owned[k].0 {
                        hits[k].push((end, state[k]));
                    }
                }
            }
        }
        // The rest of the longer parts, one at a time.
        for k in 0..LANES {
            let mut s = state[k];
            for (i, &byte) in hay[from[k] + common..owned[k].1].iter().enumerate() {
                s = self.step(s, byte);
                let end = from[k] + common + i + 1;
                if s >= fm && end > owned[k].0 {
                    hits[k].push((end, s));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
