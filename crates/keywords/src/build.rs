//! Compiling keywords into the search automaton: a trie over byte classes, failure links in
//! breadth-first order, then the full transition table with the states that end a keyword
//! numbered last (one comparison per byte tells a match).

use crate::Keywords;
use std::collections::VecDeque;

const NONE: u32 = u32::MAX;

pub fn build<P: AsRef<[u8]>>(patterns: &[P]) -> Keywords {
    let mut class = [0u16; 256];
    let mut classes = 1usize;
    for pattern in patterns {
        for &b in pattern.as_ref() {
            let lower = b.to_ascii_lowercase() as usize;
            if class[lower] == 0 {
                class[lower] = classes as u16;
                classes += 1;
            }
        }
    }
    for b in 0..256usize {
        class[b] = class[(b as u8).to_ascii_lowercase() as usize];
    }

    // The trie: `goto[s * classes + c]`, and the keywords each state ends.
    let mut goto: Vec<u32> = vec![NONE; classes];
    let mut ends: Vec<Vec<u32>> = vec![Vec::new()];
    let mut lens = Vec::with_capacity(patterns.len());
    for (index, pattern) in patterns.iter().enumerate() {
        let pattern = pattern.as_ref();
        lens.push(pattern.len());
        if pattern.is_empty() {
            continue;
        }
        let mut state = 0usize;
        for &b in pattern {
            let slot = state * classes + class[b as usize] as usize;
            if goto[slot] == NONE {
                goto[slot] = ends.len() as u32;
                goto.extend(std::iter::repeat_n(NONE, classes));
                ends.push(Vec::new());
            }
            state = goto[slot] as usize;
        }
        ends[state].push(index as u32);
    }
    let states = ends.len();

    // Failure links and complete transitions, breadth first (a state's failure target is
    // shallower, so its outputs are final when they are copied).
    let mut delta = vec![0u32; states * classes];
    let mut fail = vec![0usize; states];
    let mut queue = VecDeque::new();
    for c in 0..classes {
        let next = goto[c];
        if next != NONE {
            delta[c] = next;
            queue.push_back(next as usize);
        }
    }
    while let Some(s) = queue.pop_front() {
        let inherited = ends[fail[s]].clone();
        ends[s].extend(inherited);
        for c in 0..classes {
            let next = goto[s * classes + c];
            if next == NONE {
                delta[s * classes + c] = delta[fail[s] * classes + c];
            } else {
                fail[next as usize] = delta[fail[s] * classes + c] as usize;
                delta[s * classes + c] = next;
                queue.push_back(next as usize);
            }
        }
    }

    // Renumber: non-matching states first (the start state stays 0), then matching ones.
    let mut order: Vec<usize> = (0..states).filter(|&s| ends[s].is_empty()).collect();
    let first_match_index = order.len();
    order.extend((0..states).filter(|&s| !ends[s].is_empty()));
    let mut new_id = vec![0u32; states];
    for (id, &s) in order.iter().enumerate() {
        new_id[s] = (id * classes) as u32;
    }
    let mut table = vec![0u32; states * classes];
    let mut output_ranges = Vec::new();
    let mut outputs = Vec::new();
    for (id, &s) in order.iter().enumerate() {
        for c in 0..classes {
            table[id * classes + c] = new_id[delta[s * classes + c] as usize];
        }
        if id >= first_match_index {
            let from = outputs.len() as u32;
            let mut found = ends[s].clone();
            found.sort_unstable();
            outputs.extend(found);
            output_ranges.push((from, outputs.len() as u32));
        }
    }
    Keywords {
        class,
        classes,
        table,
        first_match: (first_match_index * classes) as u32,
        output_ranges,
        outputs,
        max_len: lens.iter().copied().max().unwrap_or(0),
        lens,
    }
}
